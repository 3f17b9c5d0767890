// 10,000 random corruptions of real payloads through the TypeScript and the
// native decoders: bit flips, truncations, bytes overwritten (lengths and counts
// pointing past the end), garbage. With the checksum checked, every changed
// payload is rejected; with it recomputed (so the structure itself is tested)
// both decoders must agree: both reject, naming a sequence and a byte offset
// inside it, or both decode the same values. Neither may crash, hang or read out
// of bounds (a native fault would end this process).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { crc32c } from '../src/codec/crc32c.ts';
import { decodeHeader, encodeHeader } from '../src/format/header.ts';
import { CorruptSequence, decodeChunk, encodeChunk, type DecodedChunk } from '../src/format/payload.ts';
import { nativeSeq } from '../src/kernels.ts';
import type { Lane } from '../src/lanes/lane.ts';
import { chunkCase, headerFor, startsOf, toLane } from './arbitraries.ts';

const native = nativeSeq();
const RUNS = 10_000;

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function laneValues(lane: Lane): unknown[] {
  const n = lane.kind === 'int' ? lane.values.length : lane.offsets.length - 1;
  return Array.from({ length: n }, (_, i) => {
    if (lane.valid && !lane.valid[i]) return null;
    return lane.kind === 'int' ? lane.values[i] : Buffer.from(lane.bytes.subarray(lane.offsets[i], lane.offsets[i + 1])).toString('latin1');
  });
}

function same(a: DecodedChunk, b: DecodedChunk): boolean {
  if (a.starts.join() !== b.starts.join()) return false;
  return a.lanes.every((l, k) => JSON.stringify(laneValues(l), (_, v) => (typeof v === 'bigint' ? v.toString() : v)) === JSON.stringify(laneValues(b.lanes[k]), (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

type Outcome = { ok: true; value: DecodedChunk } | { ok: false; sequence: number; offset: number };

function run(fn: () => DecodedChunk): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    const c = e as CorruptSequence;
    if (typeof c.sequence !== 'number' || typeof c.offset !== 'number') throw e;
    return { ok: false, sequence: c.sequence, offset: c.offset };
  }
}

describe('fuzzing the payload decoders', () => {
  it(`${RUNS} random corruptions: rejected with a sequence and offset, or decoded alike`, { skip: native ? false : 'the native addon has no seq kernels' }, () => {
    const corpus = fc.sample(chunkCase, { numRuns: 24, seed: 1234 }).map(({ lengths, columns }) => {
      const lanes = columns.map(toLane);
      const starts = startsOf(lengths);
      const headerBytes = encodeHeader(headerFor(columns, lanes, starts, true));
      const header = decodeHeader(headerBytes);
      return { header, model: native!.seqModel(headerBytes), lengths: Uint32Array.from(lengths), ...encodeChunk(header, starts, lanes) };
    });
    const rand = prng(42);
    const int = (n: number) => Math.floor(rand() * n);
    const tally = { rejected: 0, decoded: 0, checksumRejected: 0 };
    for (let iter = 0; iter < RUNS; iter++) {
      const c = corpus[iter % corpus.length];
      const bytes = c.bytes.slice();
      const offsets = c.offsets.slice();
      const s = int(offsets.length - 1);
      const from = offsets[s];
      const to = offsets[s + 1];
      const kind = int(4);
      if (kind === 0) {
        for (let k = 1 + int(3); k > 0; k--) bytes[from + int(to - from)] ^= 1 << int(8);
      } else if (kind === 1) {
        const cut = 1 + int(to - from);
        for (let j = s + 1; j < offsets.length; j++) offsets[j] -= cut;
        bytes.copyWithin(to - cut, to);
      } else if (kind === 2) {
        bytes[from + int(to - from)] = [0xff, 0x7f, 0x80, 0x00, 0x3f, 0xc0][int(6)];
      } else {
        for (let k = 1 + int(6); k > 0; k--) bytes[from + int(to - from)] = int(256);
      }
      const payloadTo = offsets[s + 1];
      const changed = kind === 1 || Buffer.compare(Buffer.from(bytes.subarray(from, payloadTo)), Buffer.from(c.bytes.subarray(from, to))) !== 0;
      if (!changed) continue;
      const recompute = iter % 2 === 1 && payloadTo - from >= 5;
      if (recompute) {
        const crc = crc32c(bytes, from, payloadTo - 4);
        new DataView(bytes.buffer).setUint32(payloadTo - 4, crc, true);
      }
      const ts = run(() => decodeChunk(c.header, bytes, offsets, c.lengths, true));
      const nat = run(() => native!.seqDecodeChunk(c.model, bytes, offsets, c.lengths, true));
      const where = `iteration ${iter} (kind ${kind}, crc ${recompute ? 'recomputed' : 'kept'})`;
      assert.equal(ts.ok, nat.ok, `${where}: the decoders disagree`);
      if (!ts.ok && !nat.ok) {
        tally.rejected++;
        assert.equal(ts.sequence, s, where);
        assert.equal(nat.sequence, s, where);
        assert.ok(ts.offset >= 0 && ts.offset <= payloadTo - from, `${where}: offset ${ts.offset}`);
        assert.equal(nat.offset, ts.offset, `${where}: offsets differ`);
        if (!recompute) tally.checksumRejected++;
      } else if (ts.ok && nat.ok) {
        tally.decoded++;
        assert.ok(recompute, `${where}: a changed payload passed its checksum`);
        assert.ok(same(ts.value, nat.value), `${where}: the decoders decode differently`);
      }
    }
    assert.ok(tally.rejected > RUNS / 2, JSON.stringify(tally));
  });
});
