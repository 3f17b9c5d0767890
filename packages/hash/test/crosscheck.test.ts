// Independent implementations on random inputs: hash-wasm (xxhash64, xxhash3,
// compiled from xxHash's C), Debian's xxhsum (XXH64 and XXH3 of files), and
// Python's mmh3 (MurmurHash3_x86_32) when they are installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { xxhash3, xxhash64 } from 'hash-wasm';
import { createExecutor, hashAddon, hashColumnSync, murmur3_32, resolveSpec, xxh3, xxh64 } from '../src/index.ts';
import { binaryColumn, prng, randomBytes } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const seedParts = (seed: bigint) => [Number(seed & 0xffffffffn), Number(seed >> 32n)] as const;
const hexOf = (v: bigint) => v.toString(16).padStart(16, '0');

/** Byte strings whose lengths reach every XXH3 length class, up to a few blocks. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 20 }),
  fc.uint8Array({ minLength: 17, maxLength: 260 }),
  fc.uint8Array({ minLength: 230, maxLength: 3000 }),
);
const seed64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

describe('cross-check against hash-wasm', () => {
  it('XXH64 of random bytes with random 64-bit seeds', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, seed64, async (data, seed) => {
        const want = await xxhash64(data, ...seedParts(seed));
        assert.equal(hexOf(xxh64(data, seed)), want);
      }),
      { numRuns: 400, seed: 4 },
    );
  });

  it('XXH3_64bits of random bytes with random 64-bit seeds', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, seed64, async (data, seed) => {
        const want = await xxhash3(data, ...seedParts(seed));
        assert.equal(hexOf(xxh3(data, seed)), want);
      }),
      { numRuns: 400, seed: 5 },
    );
  });

  it('native column kernels agree with hash-wasm row by row', { skip: hashAddon() ? false : 'the native addon is not built' }, async () => {
    const rand = prng(9);
    const rows = Array.from({ length: 300 }, () => randomBytes(rand, Math.floor(rand() * (rand() < 0.2 ? 3000 : 40))));
    const column = binaryColumn(rows);
    const native = createExecutor('native');
    for (const [algorithm, reference] of [
      ['xxh64', xxhash64],
      ['xxh3', xxhash3],
    ] as const) {
      const seed = 0x0123456789abcdefn;
      const out = hashColumnSync(column, resolveSpec({ algorithm, seed }), native).values as BigUint64Array;
      for (let i = 0; i < rows.length; i++) assert.equal(hexOf(out[i]), await reference(rows[i], ...seedParts(seed)), `${algorithm} row ${i}`);
    }
  });
});

function have(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

describe("cross-check against Debian's xxhsum", { skip: have('xxhsum') ? false : 'xxhsum is not installed (apt-get install xxhash; npm test installs it)' }, () => {
  it('XXH64 (-H64) and XXH3 (-H3) of random files of every length class', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recdata-xxhsum-'));
    try {
      const rand = prng(11);
      const lengths = [0, 1, 3, 4, 8, 9, 16, 17, 128, 129, 240, 241, 1024, 1025, 5000, 70000];
      const files = lengths.map((len, i) => {
        const file = path.join(dir, `f${i}.bin`);
        fs.writeFileSync(file, randomBytes(rand, len));
        return file;
      });
      for (const [flag, ours] of [
        ['-H64', xxh64],
        ['-H3', xxh3],
      ] as const) {
        const r = spawnSync('xxhsum', [flag, ...files], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const lines = r.stdout.trim().split('\n');
        assert.equal(lines.length, files.length);
        files.forEach((file, i) => {
          const hex = /\b([0-9a-f]{16})\b/.exec(lines[i])?.[1];
          assert.ok(lines[i].includes(path.basename(file)), lines[i]);
          assert.equal(hexOf(ours(fs.readFileSync(file))), hex, `${flag} ${lengths[i]} bytes`);
        });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function pythonWithMmh3(): string | null {
  for (const python of [path.join(ROOT, '.venv', 'bin', 'python3'), 'python3']) {
    if (spawnSync(python, ['-c', 'import mmh3'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

const python = pythonWithMmh3();

describe("cross-check against Python's mmh3", { skip: python ? false : 'Python mmh3 is not installed (npm test installs it into .venv)' }, () => {
  it('MurmurHash3_x86_32 of random bytes with random 32-bit seeds', () => {
    const rand = prng(13);
    const cases = Array.from({ length: 500 }, () => ({ data: randomBytes(rand, Math.floor(rand() * (rand() < 0.1 ? 500 : 24))), seed: Math.floor(rand() * 2 ** 32) }));
    const script = 'import sys, json, mmh3\nfor line in sys.stdin:\n    c = json.loads(line)\n    print(mmh3.hash(bytes.fromhex(c["hex"]), c["seed"], signed=False))\n';
    const input = cases.map((c) => JSON.stringify({ hex: Buffer.from(c.data).toString('hex'), seed: c.seed })).join('\n') + '\n';
    const r = spawnSync(python!, ['-c', script], { input, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const want = r.stdout.trim().split('\n').map(Number);
    cases.forEach((c, i) => assert.equal(murmur3_32(c.data, c.seed), want[i], `case ${i} (${c.data.length} bytes, seed ${c.seed})`));
  });
});
