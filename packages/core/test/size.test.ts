// parseByteSize: the sizes --memory-limit and other size flags take.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteSize, RecdataError } from '@recdata/core';

describe('parseByteSize', () => {
  it('binary and decimal units, fractions, bare numbers', () => {
    assert.equal(parseByteSize('512MiB', 'memory-limit'), 512 * 2 ** 20);
    assert.equal(parseByteSize('1GiB', 'memory-limit'), 2 ** 30);
    assert.equal(parseByteSize('1.5G', 'memory-limit'), 1.5 * 2 ** 30);
    assert.equal(parseByteSize('100MB', 'memory-limit'), 100e6);
    assert.equal(parseByteSize('64k', 'memory-limit'), 65536);
    assert.equal(parseByteSize(' 4096 ', 'memory-limit'), 4096);
  });
  it('anything else is a usage error naming the flag', () => {
    for (const bad of ['', 'lots', '-1MiB', '0', '1XB', '1 GiB GiB']) {
      assert.throws(
        () => parseByteSize(bad, 'memory-limit'),
        (e: RecdataError) => e.exitCode === 2 && e.message === `expected a size such as 512MiB, 1GiB or 100MB for --memory-limit, got ${JSON.stringify(bad)}`,
      );
    }
  });
});
