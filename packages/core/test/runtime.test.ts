import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  chooseBackend,
  errors,
  ExitCode,
  formatLocation,
  makeTempDir,
  mapOrdered,
  RecdataError,
  RECDATA_VERSION,
  requestedBackend,
  resolveThreads,
  toRecdataError,
  WorkerPool,
} from '@recdata/core';

describe('error catalogue', () => {
  it('formats locations in one line', () => {
    assert.equal(formatLocation({ file: 'a.csv', line: 12, column: 'ts' }), 'a.csv:12, column ts');
    assert.equal(formatLocation({ file: 'x.proto', line: 3, columnNumber: 7 }), 'x.proto:3:7');
    assert.equal(errors.missingColumn('ts', ['a', 'b']).describe(), 'missing column "ts"; the input has: a, b (column ts)');
    assert.equal(errors.badFlagValue('buckets', 'a positive integer', '0').describe(), 'expected a positive integer for --buckets, got "0"');
  });

  it('maps each family to its DESIGN.md exit code', () => {
    assert.equal(errors.usage('x').exitCode, ExitCode.usage);
    assert.equal(errors.badInput('x').exitCode, 65);
    assert.equal(errors.cannotOpen('f', 'no').exitCode, 66);
    assert.equal(errors.backendUnavailable('cuda', 'none').exitCode, 69);
    assert.equal(errors.ioWrite('f', 'full').exitCode, 74);
    assert.equal(errors.tryAgain('locked').exitCode, 75);
    assert.equal(errors.gateFailed('1 check failed').exitCode, 1);
  });

  it('treats unknown errors as bugs (70) and disk-full as an I/O error (74)', () => {
    assert.equal(toRecdataError(new TypeError('boom')).exitCode, 70);
    const full = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    assert.equal(toRecdataError(full).exitCode, 74);
    const same = errors.badInput('x');
    assert.equal(toRecdataError(same), same);
  });

  it('keeps the version in one place', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(RECDATA_VERSION, pkg.version);
  });
});

describe('backend selection', () => {
  it('reads --backend, then RECDATA_BACKEND, and rejects unknown names with exit 2', () => {
    assert.equal(requestedBackend('native'), 'native');
    const before = process.env.RECDATA_BACKEND;
    process.env.RECDATA_BACKEND = 'js';
    try {
      assert.equal(requestedBackend(undefined), 'js');
    } finally {
      if (before === undefined) delete process.env.RECDATA_BACKEND;
      else process.env.RECDATA_BACKEND = before;
    }
    assert.throws(() => requestedBackend('gpu'), (e: RecdataError) => e.exitCode === 2 && /expected auto\|cuda\|native\|offload\|js for --backend/.test(e.message));
  });

  it('auto falls back to js for a family the addon lacks; explicit requests fail with 69 and the reason', () => {
    const choice = chooseBackend('auto', { family: 'no-such-family', cuda: true });
    assert.equal(choice.backend, 'js');
    assert.match(choice.notes.join(' '), /falling back to JS/);
    assert.throws(() => chooseBackend('native', { family: 'no-such-family', cuda: false }), (e: RecdataError) => e.exitCode === 69 && /no "no-such-family" kernels|did not load/.test(e.message));
    assert.throws(() => chooseBackend('cuda', { family: 'device', cuda: false }), (e: RecdataError) => e.exitCode === 69 && /no CUDA version/.test(e.message));
    assert.equal(chooseBackend('js', { family: 'device', cuda: true }).backend, 'js');
  });

  it('--backend cuda on a machine without a device is 69 with the reason', () => {
    // This machine class has no GPU; on a GPU machine the call succeeds instead.
    try {
      const choice = chooseBackend('cuda', { family: 'device', cuda: true });
      assert.equal(choice.backend, 'cuda');
    } catch (e) {
      assert.ok(e instanceof RecdataError);
      assert.equal(e.exitCode, 69);
      assert.match(e.message, /backend cuda is unavailable: .+/);
    }
  });

  it('sizes the pool from --threads or the cores', () => {
    assert.equal(resolveThreads(3), 3);
    assert.equal(resolveThreads(undefined), os.availableParallelism());
    assert.throws(() => resolveThreads(0), (e: RecdataError) => e.exitCode === 2);
  });
});

describe('worker pool', () => {
  const module = new URL('./fixtures/pool-tasks.ts', import.meta.url).href;

  it('maps a task over items in order, whatever order they finish in', async () => {
    const pool = new WorkerPool(2);
    try {
      async function* items() {
        for (let i = 0; i < 20; i++) yield i;
      }
      const out: number[] = [];
      for await (const r of mapOrdered(items(), (i) => pool.run<number>(module, 'slowSquare', [i, (20 - i) % 5]), 4)) out.push(r);
      assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => i * i));
    } finally {
      await pool.destroy();
    }
  });

  it('moves buffers to the worker and back instead of copying them', async () => {
    const pool = new WorkerPool(1);
    try {
      const input = new Float64Array([1, 2, 3]);
      const result = await pool.run<Float64Array>(module, 'double', [input], [input.buffer]);
      assert.equal(input.byteLength, 0, 'the input buffer was transferred (detached here)');
      assert.deepEqual(Array.from(result), [2, 4, 6]);
    } finally {
      await pool.destroy();
    }
  });

  // Regression: a tool kept running across batches (recdata.ray) writes a batch and
  // waits for its rows before sending the next; mapOrdered read ahead instead and
  // held finished results until `concurrency` batches were in, so both sides waited.
  it('hands out finished results before waiting for input that has not arrived', async () => {
    const delivered: number[] = [];
    let sent = 0;
    const source = {
      // The next item is there only once the previous result has been seen.
      nextReady: () => delivered.length === sent,
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < 5; i++) {
          const deadline = Date.now() + 2000;
          while (delivered.length < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
          if (delivered.length < sent) throw new Error(`item ${i} was asked for while result ${sent - 1} was held back`);
          sent++;
          yield i;
        }
      },
    };
    for await (const r of mapOrdered(source, async (i) => i * 10, 4)) delivered.push(r);
    assert.deepEqual(delivered, [0, 10, 20, 30, 40]);
  });

  it('reads ahead while input is there, and closes the source when the consumer stops early', async () => {
    let inFlight = 0;
    let most = 0;
    let closed = false;
    async function* items() {
      try {
        for (let i = 0; i < 50; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const source = Object.assign(items(), { nextReady: () => true });
    const out: number[] = [];
    for await (const r of mapOrdered(
      source,
      async (i) => {
        most = Math.max(most, ++inFlight);
        await new Promise((res) => setTimeout(res, 1));
        inFlight--;
        return i;
      },
      4,
    )) {
      out.push(r);
      if (out.length === 10) break;
    }
    assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(most, 4, 'four calls in flight when input is ready');
    assert.ok(closed, 'the source was closed');
  });

  it('surfaces a failing task as a rejection without losing order', async () => {
    const pool = new WorkerPool(2);
    try {
      async function* items() {
        for (let i = 0; i < 6; i++) yield i;
      }
      const seen: number[] = [];
      await assert.rejects(async () => {
        for await (const r of mapOrdered(items(), (i) => pool.run<number>(module, i === 3 ? 'fail' : 'slowSquare', [i, 0]), 2)) seen.push(r);
      }, /task 3 failed/);
      assert.deepEqual(seen, [0, 1, 4]);
    } finally {
      await pool.destroy();
    }
  });
});

describe('temporary files', () => {
  it('removes temporary folders when the process exits, also on SIGTERM', () => {
    const file = new URL('./fixtures/temp-exit.ts', import.meta.url).pathname;
    for (const mode of ['normal', 'term']) {
      const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file, mode], { encoding: 'utf8' });
      const dir = r.stdout.trim();
      assert.ok(dir.includes('recdata-exit-test-'), `${mode}: ${r.stderr}`);
      assert.equal(fs.existsSync(dir), false, `${mode}: ${dir} was removed`);
      if (mode === 'term') assert.equal(r.status, 143);
    }
  });

  it('makes private folders with a recognisable prefix', () => {
    const dir = makeTempDir('unit');
    assert.match(path.basename(dir), /^recdata-unit-/);
    assert.ok(fs.statSync(dir).isDirectory());
  });
});
