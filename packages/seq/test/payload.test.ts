// Payload round trips (property tests): random chunks of every lane kind, with
// nulls, extremes, floats that need raw bits, empty strings; models measured on
// the same data (every codec in play) or absent, and the header through its
// binary form. Decoding gives back every valid value and every null, and the
// native kernels write the same bytes and decode the same values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeHeader, encodeHeader } from '../src/format/header.ts';
import { decodeChunk, encodeChunk, type DecodedChunk } from '../src/format/payload.ts';
import { nativeSeq } from '../src/kernels.ts';
import type { Lane } from '../src/lanes/lane.ts';
import { chunkCase, headerFor, startsOf, toLane } from './arbitraries.ts';

const native = nativeSeq();

function logical(lane: Lane, i: number): bigint | string | null {
  if (lane.valid && !lane.valid[i]) return null;
  if (lane.kind === 'int') return lane.values[i];
  return Buffer.from(lane.bytes.subarray(lane.offsets[i], lane.offsets[i + 1])).toString('latin1');
}

function assertDecoded(decoded: DecodedChunk, columns: { values: (bigint | string | null)[] }[], starts: Int32Array, who: string): void {
  assert.deepEqual(Array.from(decoded.starts), Array.from(starts), who);
  columns.forEach((c, k) => {
    for (let i = 0; i < c.values.length; i++) assert.equal(logical(decoded.lanes[k], i), c.values[i], `${who}: column ${k} row ${i}`);
  });
}

describe('payload round trip', () => {
  for (const models of [true, false]) {
    it(`random chunks ${models ? 'with' : 'without'} entropy models, TypeScript and native`, () => {
      fc.assert(
        fc.property(chunkCase, ({ lengths, columns }) => {
          const lanes = columns.map(toLane);
          const starts = startsOf(lengths);
          const headerBytes = encodeHeader(headerFor(columns, lanes, starts, models));
          const header = decodeHeader(headerBytes);
          const encoded = encodeChunk(header, starts, lanes);
          assertDecoded(decodeChunk(header, encoded.bytes, encoded.offsets, Uint32Array.from(lengths)), columns, starts, 'ts');
          if (native) {
            const model = native.seqModel(headerBytes);
            const n = native.seqEncodeChunk(model, starts, lanes);
            assert.deepEqual(Buffer.from(n.bytes), Buffer.from(encoded.bytes), 'native bytes');
            assert.deepEqual(Array.from(n.offsets), Array.from(encoded.offsets));
            assertDecoded(native.seqDecodeChunk(model, encoded.bytes, encoded.offsets, Uint32Array.from(lengths), true), columns, starts, 'native');
          }
        }),
        { numRuns: 150 },
      );
    });
  }
  it('the native kernels are built (the build is part of npm test)', () => {
    assert.ok(native, 'the native addon has no seq family; run node scripts/bootstrap.mjs');
  });
});
