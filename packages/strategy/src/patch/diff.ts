/**
 * Unified diffs that `git apply` accepts: Myers' O(ND) line diff, hunks with 3 lines
 * of context (merged when they touch), `\ No newline at end of file` where a side
 * ends without one, and a/ b/ paths relative to the patched folder.
 */

interface Lines {
  lines: string[];
  /** The last line has no newline after it. */
  noFinalNewline: boolean;
}

function splitLines(text: string): Lines {
  if (text === '') return { lines: [], noFinalNewline: false };
  const lines = text.split('\n');
  const noFinalNewline = lines[lines.length - 1] !== '';
  if (!noFinalNewline) lines.pop();
  return { lines, noFinalNewline };
}

type Op = { kind: ' ' | '-' | '+'; a: number; b: number };

/** The shortest edit script from a to b (Myers 1986), as a list of keep/delete/insert steps. */
function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  trace.push(v.slice());
  // Walk back through the saved frontiers.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: ' ', a: --x, b: --y });
    if (d > 0) {
      if (x === prevX) ops.push({ kind: '+', a: x, b: --y });
      else ops.push({ kind: '-', a: --x, b: y });
    }
  }
  while (x > 0 && y > 0) ops.push({ kind: ' ', a: --x, b: --y });
  return ops.reverse();
}

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const A = splitLines(before);
  const B = splitLines(after);
  // Compare lines with their ending, so a lost final newline is a change.
  const key = (l: Lines) => l.lines.map((s, i) => (i === l.lines.length - 1 && l.noFinalNewline ? `${s}\u0000` : s));
  const a = key(A);
  const b = key(B);
  // Common prefix and suffix need no search.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const middle = myers(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf)).map((o) => ({ kind: o.kind, a: o.a + pre, b: o.b + pre }));
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: ' ', a: i, b: i });
  ops.push(...middle);
  for (let i = suf; i > 0; i--) ops.push({ kind: ' ', a: a.length - i, b: b.length - i });

  const changes = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  const out = [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`];
  let h = 0;
  while (h < changes.length) {
    const first = changes[h];
    let last = first;
    while (h + 1 < changes.length && changes[h + 1] - last <= 2 * context + 1) last = changes[++h];
    h++;
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(from, to + 1);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    const aStart = slice.find((o) => o.kind !== '+')?.a ?? slice[0].a;
    const bStart = slice.find((o) => o.kind !== '-')?.b ?? slice[0].b;
    out.push(`@@ -${aCount === 0 ? aStart : aStart + 1}${aCount === 1 ? '' : `,${aCount}`} +${bCount === 0 ? bStart : bStart + 1}${bCount === 1 ? '' : `,${bCount}`} @@`);
    for (const o of slice) {
      const side = o.kind === '+' ? B : A;
      const index = o.kind === '+' ? o.b : o.a;
      out.push(`${o.kind}${side.lines[index]}`);
      if (side.noFinalNewline && index === side.lines.length - 1) out.push('\\ No newline at end of file');
    }
  }
  return out.join('\n') + '\n';
}
