// Crash test: a child process ingests into a store while this test kills it with
// SIGKILL at random moments: at random delays, and on entering a flush or a
// compaction (at least 50 kills, some in each). After every kill the store is
// reopened (the WAL replayed, unlisted files deleted) and must hold every
// acknowledged event exactly once, no event twice, and pass verify.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RecordBatch } from 'apache-arrow';
import { SeqStoreReader, verifyStore } from '../src/index.ts';
import { tempStore } from './store-helpers.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, 'fixtures', 'store-crash-child.mjs');
const BUILT = path.join(HERE, '..', 'dist', 'store', 'writer.js');
const ROUNDS_PER_STORE = 6;
const KILLS = Number(process.env.STORE_CRASH_KILLS ?? 54);

type Moment = { kind: 'delay'; ms: number } | { kind: 'phase'; phase: 'flush' | 'compact'; nth: number };

/** Runs the child until the moment comes (then SIGKILL) or it ends; returns the acknowledged uids. */
function runChild(dir: string, firstUid: bigint, seed: number, moment: Moment): Promise<{ acked: [bigint, number][]; killed: boolean; inPhase: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(firstUid), '400', String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: [bigint, number][] = [];
    let killed = false;
    let inPhase: string | null = null;
    let seen = 0;
    let pending = '';
    let stderr = '';
    const kill = () => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (killed) continue;
        const [tag, a, b] = line.split(' ');
        if (tag === 'A') acked.push([BigInt(a), Number(b)]);
        else if (tag === 'P') {
          if (a === 'open' && moment.kind === 'delay') setTimeout(kill, moment.ms);
          if (moment.kind === 'phase' && a === moment.phase && ++seen >= moment.nth) {
            inPhase = a;
            kill();
          }
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!killed && code !== 0) reject(new Error(`the child failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      else resolve({ acked, killed, inPhase });
    });
  });
}

async function uidsIn(dir: string): Promise<bigint[]> {
  const r = await SeqStoreReader.open(dir, { backend: 'js' });
  try {
    const out: bigint[] = [];
    for await (const b of r.scan(null) as AsyncIterable<RecordBatch>) {
      const col = b.getChild('uid')!;
      for (let i = 0; i < b.numRows; i++) out.push(col.get(i) as bigint);
    }
    return out;
  } finally {
    await r.close();
  }
}

describe('seq-store crash safety', () => {
  // The child runs the built package: node scripts/bootstrap.mjs builds it (as for the end-to-end tests).
  const skip = fs.existsSync(BUILT) ? false : `packages/seq/dist is not built (run node scripts/bootstrap.mjs)`;
  it(`SIGKILL at ${KILLS} random moments (during flushes and compactions too) loses no acknowledged event and duplicates none`, { timeout: 300_000, skip }, async () => {
    // SIGKILL is a crash of the process, not of the machine: what a process wrote is in
    // the page cache either way, so a memory file system (no fsync latency) tests the same.
    const base = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/recdata-store-crash-') : tempStore('store-crash');
    let dir = '';
    let seed = 0x5eed;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
    let acked = new Set<bigint>();
    let nextUid = 1n;
    let kills = 0;
    let totalAcked = 0;
    const phases = { flush: 0, compact: 0 };
    try {
      for (let round = 0; kills < KILLS; round++) {
        // A fresh store every few rounds keeps each small (the checks read all of it).
        if (round % ROUNDS_PER_STORE === 0) {
          dir = path.join(base, `store-${round}`);
          acked = new Set();
        }
        const r = rand();
        const moment: Moment = r < 0.35 ? { kind: 'delay', ms: Math.floor(rand() * 300) } : { kind: 'phase', phase: r < 0.7 ? 'flush' : 'compact', nth: 1 };
        const t0 = Date.now();
        const run = await runChild(dir, nextUid, round + 1, moment);
        if (process.env.STORE_CRASH_TRACE) console.log(`round ${round} ${JSON.stringify(moment)} child ${Date.now() - t0} ms`);
        nextUid += 400n * 400n;
        if (run.killed) kills++;
        if (run.inPhase) phases[run.inPhase as 'flush' | 'compact']++;
        for (const [first, rows] of run.acked) for (let i = 0n; i < BigInt(rows); i++) acked.add(first + i);
        totalAcked += run.acked.reduce((s, [, rows]) => s + rows, 0);
        // Reopen: the reader replays the log of the killed writer, then everything is checked.
        const uids = await uidsIn(dir);
        const seen = new Set<bigint>();
        for (const u of uids) {
          assert.ok(!seen.has(u), `round ${round}: uid ${u} is in the store twice`);
          seen.add(u);
        }
        for (const u of acked) assert.ok(seen.has(u), `round ${round} (${JSON.stringify(moment)}): acknowledged uid ${u} is missing`);
        const report = verifyStore(dir);
        assert.deepEqual(report.problems.map((p) => p.describe()), [], `round ${round}: verify`);
        assert.deepEqual(report.orphans, [], `round ${round}: orphans`);
      }
      assert.ok(phases.flush >= 5 && phases.compact >= 5, `kills during flush ${phases.flush}, during compaction ${phases.compact}`);
      assert.ok(totalAcked > 1000, `${totalAcked} acknowledged events`);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
