import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeTempDir } from '@recdata/core';
import { KeyTable } from './key-table.js';

const PARTITIONS = 64;
const RECORD = 16; // hi u32, lo u32, row f64
const BUFFER_RECORDS = 4096;

/**
 * Exact duplicate detection over 64-bit keys with bounded memory: keys go into an
 * in-memory table until it would pass `memoryLimit` bytes; then every key seen so
 * far and every later one is appended to one of 64 temporary files by the top
 * bits of its key (a grace hash partitioning), and each file is checked on its
 * own at the end. A duplicate is a row whose key equals an earlier row's.
 */
export class UniqueTracker {
  duplicates = 0;
  readonly examples: number[] = [];
  private table: KeyTable | null = new KeyTable(1 << 16);
  private firstRow: Float64Array = new Float64Array(1 << 16);
  private dir: string | null = null;
  private fds: number[] = [];
  private buffers: Float64Array[] = [];
  private fill: number[] = [];
  spilled = false;

  constructor(
    private readonly memoryLimit: number,
    private readonly exampleLimit: number,
    private readonly onDuplicate: ((row: number, firstRow: number) => void) | null,
  ) {}

  add(hi: number, lo: number, row: number): void {
    if (this.table) {
      const t = this.table;
      const before = t.size;
      const idx = t.getOrAdd(hi, lo);
      if (idx < before) {
        this.duplicate(row, this.firstRow[idx]);
        return;
      }
      if (idx >= this.firstRow.length) {
        const grown = new Float64Array(this.firstRow.length * 2);
        grown.set(this.firstRow);
        this.firstRow = grown;
      }
      this.firstRow[idx] = row;
      if (t.bytes + this.firstRow.byteLength > this.memoryLimit) this.spill();
      return;
    }
    this.append(hi, lo, row);
  }

  private duplicate(row: number, first: number): void {
    this.duplicates++;
    if (this.examples.length < this.exampleLimit) this.examples.push(row);
    this.onDuplicate?.(row, first);
  }

  private spill(): void {
    const t = this.table!;
    this.dir = makeTempDir('unique');
    for (let p = 0; p < PARTITIONS; p++) {
      this.fds.push(fs.openSync(path.join(this.dir, `p${p}.keys`), 'w+'));
      this.buffers.push(new Float64Array(BUFFER_RECORDS * 2));
      this.fill.push(0);
    }
    this.spilled = true;
    this.table = null;
    for (let i = 0; i < t.size; i++) this.append(t.keyHi[i], t.keyLo[i], this.firstRow[i]);
    this.firstRow = new Float64Array(0);
  }

  private append(hi: number, lo: number, row: number): void {
    const p = hi >>> 26;
    const buf = this.buffers[p];
    const f = this.fill[p];
    const words = new Uint32Array(buf.buffer, f * RECORD, 2);
    words[0] = hi;
    words[1] = lo;
    buf[f * 2 + 1] = row;
    if (++this.fill[p] === BUFFER_RECORDS) this.flush(p);
  }

  private flush(p: number): void {
    const n = this.fill[p];
    if (n === 0) return;
    fs.writeSync(this.fds[p], new Uint8Array(this.buffers[p].buffer, 0, n * RECORD));
    this.fill[p] = 0;
  }

  /** Finishes the spilled partitions (no-op in memory). Duplicates found here come in partition order. */
  finish(): void {
    if (!this.spilled) return;
    try {
      const found: { row: number; first: number }[] = [];
      for (let p = 0; p < PARTITIONS; p++) {
        this.flush(p);
        const size = fs.fstatSync(this.fds[p]).size;
        const bytes = new Uint8Array(size);
        if (size > 0) fs.readSync(this.fds[p], bytes, 0, size, 0);
        fs.closeSync(this.fds[p]);
        const words = new Uint32Array(bytes.buffer);
        const rows = new Float64Array(bytes.buffer);
        const count = size / RECORD;
        const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => rows[2 * a + 1] - rows[2 * b + 1]);
        const table = new KeyTable(Math.max(16, count));
        const first = new Float64Array(count);
        for (const i of order) {
          const before = table.size;
          const idx = table.getOrAdd(words[4 * i], words[4 * i + 1]);
          if (idx < before) found.push({ row: rows[2 * i + 1], first: first[idx] });
          else first[idx] = rows[2 * i + 1];
        }
      }
      found.sort((a, b) => a.row - b.row);
      for (const f of found) this.duplicate(f.row, f.first);
    } finally {
      removeTempDir(this.dir!);
    }
  }
}
