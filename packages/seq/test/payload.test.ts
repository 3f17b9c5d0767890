// Payload round trips (property tests): random chunks of every lane kind, with
// nulls, extremes, floats that need raw bits, empty strings; models measured on
// the same data (every codec in play) or absent, and the header through its
// binary form. Decoding gives back every valid value and every null.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeHeader, encodeHeader } from '../src/format/header.ts';
import { decodeChunk, encodeChunk } from '../src/format/payload.ts';
import type { Lane } from '../src/lanes/lane.ts';
import { chunkCase, headerFor, startsOf, toLane } from './arbitraries.ts';

function logical(lane: Lane, i: number): bigint | string | null {
  if (lane.valid && !lane.valid[i]) return null;
  if (lane.kind === 'int') return lane.values[i];
  return Buffer.from(lane.bytes.subarray(lane.offsets[i], lane.offsets[i + 1])).toString('latin1');
}

describe('payload round trip', () => {
  for (const models of [true, false]) {
    it(`random chunks ${models ? 'with' : 'without'} entropy models`, () => {
      fc.assert(
        fc.property(chunkCase, ({ lengths, columns }) => {
          const lanes = columns.map(toLane);
          const starts = startsOf(lengths);
          const header = decodeHeader(encodeHeader(headerFor(columns, lanes, starts, models)));
          const encoded = encodeChunk(header, starts, lanes);
          const decoded = decodeChunk(header, encoded.bytes, encoded.offsets, Uint32Array.from(lengths));
          assert.deepEqual(Array.from(decoded.starts), Array.from(starts));
          columns.forEach((c, k) => {
            for (let i = 0; i < c.values.length; i++) assert.equal(logical(decoded.lanes[k], i), c.values[i], `column ${k} row ${i}`);
          });
        }),
        { numRuns: 200 },
      );
    });
  }
});
