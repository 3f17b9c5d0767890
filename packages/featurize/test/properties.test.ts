// Properties over generated data (fast-check): how a stream is cut into batches
// changes nothing, neither in fit nor in transform, and transform is row-wise.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RecordBatch, Table } from 'apache-arrow';
import { fit, writeFitted } from '../src/index.ts';
import { EVERY_OP, generated } from './data.ts';
import { nativeBackends, rebatch, spec, streamOf, transformBatches } from './helpers.ts';

const RUNS = Number(process.env.FC_RUNS ?? 12);

/** Rows as comparable JSON (NaN, -0 and bigints spelled out). */
function rowsOf(batches: RecordBatch[]): string {
  const table = new Table(batches);
  const rows: unknown[] = [];
  for (let i = 0; i < table.numRows; i++) rows.push(table.get(i)!.toJSON());
  return JSON.stringify(rows, (_k, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number' && (Number.isNaN(v) || Object.is(v, -0) || !Number.isFinite(v))) return String(Object.is(v, -0) ? '-0' : v);
    if (ArrayBuffer.isView(v)) return [...(v as unknown as ArrayLike<number>)];
    if (v && typeof v === 'object' && typeof v.toArray === 'function') return [...v.toArray()];
    return v;
  });
}

/** Cuts a batch at the given points. */
function cut(batch: RecordBatch, points: number[]): RecordBatch[] {
  const at = [...new Set(points.map((p) => Math.floor(p * batch.numRows)))].filter((p) => p > 0 && p < batch.numRows).sort((a, b) => a - b);
  const out: RecordBatch[] = [];
  let start = 0;
  for (const p of [...at, batch.numRows]) {
    out.push(batch.slice(start, p));
    start = p;
  }
  return out;
}

const ROW_WISE = EVERY_OP.split('\n')
  .filter((l) => !l.includes('difference_lag'))
  .join('\n');

async function fittedFile(batches: RecordBatch[], yaml: string): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'featurize-prop-'));
  try {
    const file = path.join(dir, 'fitted.json');
    await writeFitted(await fit(streamOf(batches), spec(yaml)), 'spec.yaml', file);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('properties', () => {
  it('fit on a stream equals fit on the same rows in one batch (sketches included: rows are taken in order)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), async (seed, points) => {
        const batch = generated(800, seed);
        const one = await fittedFile([batch], EVERY_OP);
        const many = await fittedFile(cut(batch, points), EVERY_OP);
        assert.ok(one.equals(many), 'the fitted files differ');
      }),
      { numRuns: RUNS },
    );
  });

  for (const backend of nativeBackends()) {
    it(`transform of a concatenation equals the concatenation of transforms (${backend})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), async (seed, split) => {
          const batch = generated(600, seed);
          const fitted = await fit(streamOf([batch]), spec(ROW_WISE));
          const at = Math.floor(split * batch.numRows);
          const whole = await transformBatches(fitted, [batch], { backend });
          const a = await transformBatches(fitted, [batch.slice(0, at)], { backend });
          const b = await transformBatches(fitted, [batch.slice(at)], { backend });
          assert.equal(rowsOf([...a, ...b]), rowsOf(whole));
        }),
        { numRuns: RUNS },
      );
    });

    it(`a stream's batch boundaries change no output row, state carried across them (${backend})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 1000 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }), fc.boolean(), async (seed, points, training) => {
          const batch = generated(500, seed);
          const fitted = await fit(streamOf([batch]), spec(EVERY_OP));
          const whole = await transformBatches(fitted, [batch], { backend, training });
          const pieces = await transformBatches(fitted, cut(batch, points), { backend, training });
          assert.equal(rowsOf(pieces), rowsOf(whole));
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('fit capped by memory: Space-Saving keeps every frequent value, and counts over-estimate by at most their error', async () => {
    const { FrequencyTable } = await import('../src/index.ts');
    await fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.string({ maxLength: 30 })), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.option(fc.integer({ min: 100, max: 4000 }), { nil: undefined }),
        (xs, capacity, bytes) => {
          const t = new FrequencyTable(capacity, 0, bytes ?? Infinity);
          const truth = new Map<number | string, number>();
          for (const x of xs) {
            t.add(x);
            truth.set(x, (truth.get(x) ?? 0) + 1);
          }
          // The counter holds t.size values once full (the capacity, or fewer when long keys filled its bytes).
          for (const [v, n] of truth) {
            const slot = t.slotOf(v);
            if (n > xs.length / t.size) assert.notEqual(slot, undefined, `${v} (${n} of ${xs.length}) was dropped`);
            if (slot !== undefined) {
              assert.ok(t.counts[slot] >= n && t.counts[slot] - t.errors[slot] <= n, `count of ${v}: ${t.counts[slot]} (error ${t.errors[slot]}), true ${n}`);
            }
          }
          assert.equal(t.exact, truth.size === t.size);
          if (bytes === undefined) assert.equal(t.exact, truth.size <= capacity);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the KLL sketch is exact until it compacts, then within its documented rank error', async () => {
    const { KllSketch, kllRankError } = await import('../src/index.ts');
    await fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const s = new KllSketch(512);
        xs.forEach((x) => s.add(x));
        const sorted = [...xs].sort((a, b) => a - b);
        const qs = [0.1, 0.25, 0.5, 0.9, 1];
        assert.deepEqual(s.quantiles(qs), qs.map((q) => sorted[Math.max(1, Math.ceil(q * xs.length)) - 1]));
      }),
      { numRuns: 100 },
    );
    const n = 200_000;
    for (const k of [64, 256]) {
      const s = new KllSketch(k, 7);
      const xs = Float64Array.from({ length: n }, (_, i) => (i * 7919) % n);
      xs.forEach((x) => s.add(x));
      const qs = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);
      const got = s.quantiles(qs);
      // values are a permutation of 0..n-1: the rank of v is v + 1
      const worst = Math.max(...qs.map((q, i) => Math.abs((got[i] + 1) / n - q)));
      assert.ok(!s.exact && worst <= kllRankError(k), `k ${k}: rank error ${worst} above ${kllRankError(k)}`);
    }
  });
});
