// The native addon as the TypeScript side sees it: the loader finds the build, the
// registered kernel families are there, and relayBytes moves exact bytes between
// files and real pipes (splice and the copy fallback, blocking and non-blocking fds).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadNative, type NativeAddon } from '@recdata/core';

const BUILD_HINT = 'build it with `node scripts/bootstrap.mjs` (or `cd native && npm_config_nodedir=/usr node_modules/.bin/node-gyp rebuild`)';

/** The addon, or a failure that says how to build it: the build is part of `npm test`, so a missing addon is an error, not a skip. */
function addon(): NativeAddon {
  const status = loadNative();
  if (!status.addon) {
    const why = status.failures.map((f) => `${f.path}: ${f.error}`).join('; ');
    assert.fail(`the native addon did not load (${why}); ${BUILD_HINT}`);
  }
  return status.addon;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-native-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function tempPath(name: string): string {
  return path.join(dir, `${fileCount++}-${name}`);
}

/** A file of random bytes; sizes straddle the 128 KiB copy buffer and the 64 KiB pipe. */
function randomFile(size: number): { file: string; bytes: Buffer } {
  const file = tempPath('input.bin');
  const bytes = crypto.randomBytes(size);
  fs.writeFileSync(file, bytes);
  return { file, bytes };
}

/**
 * A pipe, as os.pipe() would give (Node has none): a FIFO opened at both ends. A
 * non-blocking reader is opened first so that opening the writer does not wait.
 */
function pipePair(opts: { nonBlockingRead?: boolean; nonBlockingWrite?: boolean } = {}): { readFd: number; writeFd: number } {
  const fifo = tempPath('fifo');
  const r = spawnSync('mkfifo', [fifo]);
  assert.equal(r.status, 0, `mkfifo failed: ${r.stderr}`);
  const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;
  const nonBlockingReader = fs.openSync(fifo, O_RDONLY | O_NONBLOCK);
  const writeFd = fs.openSync(fifo, O_WRONLY | (opts.nonBlockingWrite ? O_NONBLOCK : 0));
  if (opts.nonBlockingRead) return { readFd: nonBlockingReader, writeFd };
  const readFd = fs.openSync(fifo, O_RDONLY);
  fs.closeSync(nonBlockingReader);
  return { readFd, writeFd };
}

async function exited(child: ChildProcess): Promise<void> {
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, `${child.spawnargs.join(' ')} exited with ${code}`);
}

function relayError(fn: () => unknown): NodeJS.ErrnoException {
  try {
    fn();
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
  assert.fail('expected relayBytes to throw');
}

describe('native addon', () => {
  it('loads with the ABI version the loader expects', () => {
    assert.equal(addon().abiVersion(), 1);
    assert.match(loadNative().path ?? '', /recdata\.node$/);
  });

  it('registers the device, cpu and io kernel families', () => {
    const families = addon().families();
    for (const name of ['device', 'cpu', 'io']) assert.ok(families.includes(name), `families() = ${JSON.stringify(families)} lacks ${name}`);
    assert.deepEqual(families, [...families].sort());
  });

  it('reports the CPU features of the running machine', () => {
    const features = addon().cpuFeatures();
    assert.ok(Array.isArray(features));
    if (process.arch === 'x64') assert.ok(features.includes('sse2'), `cpuFeatures() = ${JSON.stringify(features)} lacks sse2, which every x86-64 has`);
    if (features.includes('avx2')) assert.ok(features.includes('avx'), 'avx2 without avx');
  });

  it('reports CUDA devices, or the reason there are none', () => {
    const native = addon();
    assert.equal(typeof native.cudaCompiled, 'boolean');
    const { devices, error } = native.cudaDevices();
    if (!native.cudaCompiled) assert.equal(error, 'built without CUDA');
    if (!fs.existsSync('/proc/driver/nvidia/version')) assert.equal(devices.length, 0, 'devices reported on a machine with no NVIDIA driver');
    if (devices.length === 0) {
      assert.equal(typeof error, 'string');
      assert.ok(error!.length > 0, 'no devices and no reason');
    } else {
      assert.equal(error, null);
      for (const [i, d] of devices.entries()) {
        assert.equal(d.index, i);
        assert.ok(d.name.length > 0 && d.memoryBytes > 0, JSON.stringify(d));
        assert.match(d.computeCapability, /^\d+\.\d+$/);
      }
    }
  });

  it('sets a pipe buffer size, and refuses on a regular file', () => {
    const { readFd, writeFd } = pipePair();
    try {
      assert.equal(addon().setPipeSize(writeFd, 256 * 1024), 256 * 1024);
    } finally {
      fs.closeSync(readFd);
      fs.closeSync(writeFd);
    }
    const fd = fs.openSync(randomFile(10).file, 'r');
    try {
      assert.equal(addon().setPipeSize(fd, 256 * 1024), -1);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('inputReady', () => {
  it('says whether a read would block: an empty pipe would, bytes waiting, a closed writer or a file would not', () => {
    const { readFd, writeFd } = pipePair();
    let writerOpen = true;
    try {
      assert.equal(addon().inputReady!(readFd), false);
      fs.writeSync(writeFd, Buffer.from('x'));
      assert.equal(addon().inputReady!(readFd), true);
      assert.equal(fs.readSync(readFd, Buffer.alloc(1)), 1);
      assert.equal(addon().inputReady!(readFd), false);
      fs.closeSync(writeFd);
      writerOpen = false;
      assert.equal(addon().inputReady!(readFd), true, 'the end of input is ready: the read returns 0 at once');
    } finally {
      fs.closeSync(readFd);
      if (writerOpen) fs.closeSync(writeFd);
    }
    const fd = fs.openSync(randomFile(10).file, 'r');
    try {
      assert.equal(addon().inputReady!(fd), true);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('relayBytes', () => {
  const SIZE = 1024 * 1024 + 12345;

  it('copies exactly n bytes between regular files, from each fd position on', () => {
    const { file, bytes } = randomFile(SIZE);
    const out = tempPath('out.bin');
    const inFd = fs.openSync(file, 'r');
    const outFd = fs.openSync(out, 'w');
    try {
      assert.equal(addon().relayBytes(inFd, outFd, 0), 0);
      assert.equal(addon().relayBytes(inFd, outFd, 1000), 1000);
      assert.equal(addon().relayBytes(inFd, outFd, SIZE - 1000 - 777), SIZE - 1000 - 777);
      assert.ok(fs.readFileSync(out).equals(bytes.subarray(0, SIZE - 777)));
      // Asking for more than is left stops at end of input.
      assert.equal(addon().relayBytes(inFd, outFd, 10_000), 777);
      assert.equal(addon().relayBytes(inFd, outFd, 10_000), 0);
    } finally {
      fs.closeSync(inFd);
      fs.closeSync(outFd);
    }
    assert.ok(fs.readFileSync(out).equals(bytes));
  });

  it('moves a file into a pipe', async () => {
    const { file, bytes } = randomFile(SIZE);
    const out = tempPath('out.bin');
    const { readFd, writeFd } = pipePair();
    const outFd = fs.openSync(out, 'w');
    const reader = spawn('cat', [], { stdio: [readFd, outFd, 'inherit'] });
    fs.closeSync(readFd);
    fs.closeSync(outFd);
    const inFd = fs.openSync(file, 'r');
    try {
      assert.equal(addon().relayBytes(inFd, writeFd, SIZE), SIZE);
    } finally {
      fs.closeSync(inFd);
      fs.closeSync(writeFd);
    }
    await exited(reader);
    assert.ok(fs.readFileSync(out).equals(bytes));
  });

  it('moves a pipe into a file, stopping at end of input', async () => {
    const { file, bytes } = randomFile(SIZE);
    const out = tempPath('out.bin');
    const { readFd, writeFd } = pipePair();
    const writer = spawn('cat', [file], { stdio: ['ignore', writeFd, 'inherit'] });
    fs.closeSync(writeFd);
    const outFd = fs.openSync(out, 'w');
    try {
      assert.equal(addon().relayBytes(readFd, outFd, SIZE + 5000), SIZE);
    } finally {
      fs.closeSync(readFd);
      fs.closeSync(outFd);
    }
    await exited(writer);
    assert.ok(fs.readFileSync(out).equals(bytes));
  });

  it('moves a pipe into a pipe', async () => {
    const { file, bytes } = randomFile(SIZE);
    const out = tempPath('out.bin');
    const upstream = pipePair();
    const downstream = pipePair();
    const outFd = fs.openSync(out, 'w');
    const writer = spawn('cat', [file], { stdio: ['ignore', upstream.writeFd, 'inherit'] });
    const reader = spawn('cat', [], { stdio: [downstream.readFd, outFd, 'inherit'] });
    for (const fd of [upstream.writeFd, downstream.readFd, outFd]) fs.closeSync(fd);
    try {
      assert.equal(addon().relayBytes(upstream.readFd, downstream.writeFd, SIZE), SIZE);
    } finally {
      fs.closeSync(upstream.readFd);
      fs.closeSync(downstream.writeFd);
    }
    await Promise.all([exited(writer), exited(reader)]);
    assert.ok(fs.readFileSync(out).equals(bytes));
  });

  it('waits on a non-blocking input pipe that is empty for a while', async () => {
    const first = randomFile(200 * 1024);
    const second = randomFile(100 * 1024);
    const out = tempPath('out.bin');
    const { readFd, writeFd } = pipePair({ nonBlockingRead: true });
    const writer = spawn('sh', ['-c', 'cat "$1"; sleep 0.3; cat "$2"', 'sh', first.file, second.file], { stdio: ['ignore', writeFd, 'inherit'] });
    fs.closeSync(writeFd);
    const outFd = fs.openSync(out, 'w');
    try {
      assert.equal(addon().relayBytes(readFd, outFd, SIZE), first.bytes.length + second.bytes.length);
    } finally {
      fs.closeSync(readFd);
      fs.closeSync(outFd);
    }
    await exited(writer);
    assert.ok(fs.readFileSync(out).equals(Buffer.concat([first.bytes, second.bytes])));
  });

  it('waits on a non-blocking output pipe that is full for a while', async () => {
    const { file, bytes } = randomFile(SIZE);
    const out = tempPath('out.bin');
    const { readFd, writeFd } = pipePair({ nonBlockingWrite: true });
    const outFd = fs.openSync(out, 'w');
    const reader = spawn('sh', ['-c', 'sleep 0.3; cat'], { stdio: [readFd, outFd, 'inherit'] });
    fs.closeSync(readFd);
    fs.closeSync(outFd);
    const inFd = fs.openSync(file, 'r');
    try {
      assert.equal(addon().relayBytes(inFd, writeFd, SIZE), SIZE);
    } finally {
      fs.closeSync(inFd);
      fs.closeSync(writeFd);
    }
    await exited(reader);
    assert.ok(fs.readFileSync(out).equals(bytes));
  });

  it("throws code 'EPIPE' when the output pipe has no reader", () => {
    const { file } = randomFile(SIZE);
    const { readFd, writeFd } = pipePair();
    fs.closeSync(readFd);
    const inFd = fs.openSync(file, 'r');
    try {
      const err = relayError(() => addon().relayBytes(inFd, writeFd, SIZE));
      assert.ok(err instanceof Error);
      assert.equal(err.code, 'EPIPE');
      assert.equal(err.syscall, 'splice');
    } finally {
      fs.closeSync(inFd);
      fs.closeSync(writeFd);
    }
  });

  it('throws with the errno name as code for other failures', () => {
    const inFd = fs.openSync(randomFile(10).file, 'r');
    const readOnly = fs.openSync(randomFile(10).file, 'r');
    try {
      assert.equal(relayError(() => addon().relayBytes(inFd, readOnly, 10)).code, 'EBADF');
    } finally {
      fs.closeSync(inFd);
      fs.closeSync(readOnly);
    }
    assert.throws(() => addon().relayBytes(-1, 1, 10), RangeError);
    assert.throws(() => addon().relayBytes(0, 1, 1.5), RangeError);
    assert.throws(() => (addon().relayBytes as (...a: unknown[]) => number)('0', 1, 10), TypeError);
  });
});
