// DELTA_BINARY_PACKED against parquet-mr: every column of parquet-testing's
// delta_binary_packed.parquet (real data from ../shared/datasets; skipped when
// absent). Its pages are stored uncompressed, so each column's encoded run
// appears verbatim in the file: we find it by the bytes our own encoder writes
// for the expected values' header and first block header (the values determine
// them), decode it with both decoders, and compare with the _expect.csv values.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { deltaBinaryPackedDecode, deltaBinaryPackedEncode } from '../src/codec/delta.ts';
import { DATASETS } from './helpers.ts';

const dir = path.join(DATASETS, 'parquet-testing');
const parquetFile = path.join(dir, 'delta_binary_packed.parquet');
const csvFile = path.join(dir, 'delta_binary_packed_expect.csv');
const present = fs.existsSync(parquetFile) && fs.existsSync(csvFile);

function readExpected(): { names: string[]; columns: bigint[][] } {
  const lines = fs.readFileSync(csvFile, 'utf8').trim().split(/\r?\n/);
  const names = lines[0].split(',');
  const columns = names.map(() => [] as bigint[]);
  for (const line of lines.slice(1)) line.split(',').forEach((v, i) => columns[i].push(BigInt(v)));
  return { names, columns };
}

/** Header plus the first block's min delta and width bytes, as our encoder writes them. */
function searchKey(encoded: Uint8Array): Uint8Array {
  let p = 0;
  const uleb = () => {
    while (encoded[p++] & 0x80);
  };
  for (let i = 0; i < 5; i++) uleb(); // block size, miniblocks, count, first value, min delta
  return encoded.subarray(0, p + 4);
}

function findAll(haystack: Uint8Array, needle: Uint8Array): number[] {
  const found: number[] = [];
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    found.push(i);
  }
  return found;
}

describe('DELTA_BINARY_PACKED vs parquet-mr (parquet-testing/delta_binary_packed.parquet)', { skip: present ? false : `dataset absent: ${dir}` }, () => {
  it('decodes every column to the expected values; our encoding is no larger than parquet-mr\'s', () => {
    const file = new Uint8Array(fs.readFileSync(parquetFile));
    const { names, columns } = readExpected();
    assert.equal(names.length, 66);
    for (let c = 0; c < names.length; c++) {
      const type = names[c] === 'int_value' ? 'int32' : 'int64';
      const expected = columns[c];
      const input = type === 'int32' ? Int32Array.from(expected, Number) : BigInt64Array.from(expected);
      const ours = deltaBinaryPackedEncode(input);
      const hits = findAll(file, searchKey(ours));
      assert.equal(hits.length, 1, `column ${names[c]}: ${hits.length} places in the file start with our header`);
      const decoded = deltaBinaryPackedDecode(file, hits[0], type);
      assert.deepEqual(Array.from(decoded.values, BigInt), expected, `column ${names[c]}`);
      const theirs = decoded.end - hits[0];
      assert.ok(ours.length <= theirs, `column ${names[c]}: ours ${ours.length} bytes, parquet-mr ${theirs}`);
      // The minimal widths match parquet-mr's, so the runs are the same length.
      assert.equal(ours.length, theirs, `column ${names[c]}`);
      const back = deltaBinaryPackedDecode(ours, 0, type);
      assert.deepEqual(Array.from(back.values, BigInt), expected);
      assert.equal(back.end, ours.length);
    }
  });
});
