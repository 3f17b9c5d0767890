/**
 * Text edits: the patch never reprints a file, it replaces ranges, so every byte
 * outside the edited ranges stays as it was (formatting, comments, line endings).
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Applies the edits that do not overlap, outermost first: an edit inside a range
 * another edit replaces is dropped (the caller reparses and finds it again if it
 * still applies). Returns the new text and how many edits were applied.
 */
export function applyEdits(text: string, edits: TextEdit[]): { text: string; applied: number } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: TextEdit[] = [];
  let reach = -1;
  for (const e of sorted) {
    // Insertions at the same point as a deletion's start are fine; anything overlapping is not.
    if (e.start < reach || (chosen.length > 0 && e.start === chosen[chosen.length - 1].start && e.end > e.start)) continue;
    chosen.push(e);
    reach = Math.max(reach, e.end);
  }
  let out = '';
  let at = 0;
  for (const e of chosen) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return { text: out + text.slice(at), applied: chosen.length };
}

export function lineStartAt(text: string, pos: number): number {
  const nl = text.lastIndexOf('\n', pos - 1);
  return nl + 1;
}

/** The position after the newline that ends the line holding `pos` (or the text's end). */
export function nextLineStart(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

export function isBlank(s: string): boolean {
  return /^[ \t\r]*$/.test(s);
}

/** The indentation (spaces and tabs) of the line holding `pos`. */
export function indentAt(text: string, pos: number): string {
  const start = lineStartAt(text, pos);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The text of the line starting at `start` (without its newline). */
function lineText(text: string, start: number): string {
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

/**
 * The range to delete for code at [start, end): whole lines when nothing else shares
 * them (a trailing comment on the last line goes too), else just the code and the
 * spaces after it. When whole lines go, one blank line around them goes as well if
 * the deletion would otherwise leave two blank lines together, or a blank line
 * right after an opening brace or right before a closing one.
 */
export function deletionRange(text: string, start: number, end: number): { start: number; end: number } {
  const first = lineStartAt(text, start);
  const before = text.slice(first, start);
  const lineEnd = nextLineStart(text, end);
  const after = text.slice(end, lineEnd).replace(/\r?\n$/, '');
  const afterIsTrivia = /^\s*(\/\/.*|\/\*.*\*\/\s*)?$/.test(after);
  if (!isBlank(before) || !afterIsTrivia) {
    let e = end;
    while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
    return { start, end: e };
  }
  let s = first;
  let e = lineEnd;
  const prevStart = s > 0 ? lineStartAt(text, s - 1) : -1;
  const prev = prevStart >= 0 ? lineText(text, prevStart) : null;
  const next = e < text.length ? lineText(text, e) : null;
  const prevOpens = prev === null || /[{[(]\s*$/.test(prev);
  const nextCloses = next === null || /^\s*[}\])]/.test(next);
  if (next !== null && isBlank(next) && (prev === null || isBlank(prev) || prevOpens)) e = nextLineStart(text, e);
  else if (prev !== null && isBlank(prev) && nextCloses) s = prevStart;
  return { start: s, end: e };
}
