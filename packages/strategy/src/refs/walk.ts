import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { errors } from '@recdata/core';

/** Files larger than this are not searched (generated bundles, data). */
export const MAX_FILE_BYTES = 2 << 20;

export interface SourceTree {
  /** The folder as given, and its real path (every file lies under it). */
  dir: string;
  root: string;
  /** Regular files, relative to the root with / separators, sorted. */
  files: string[];
  /** What was left out, for --verbose. */
  skipped: { path: string; why: string }[];
}

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

/**
 * Lists the files under DIR the way git would track them: .gitignore files (at any
 * depth, deeper ones taking precedence, negations included) are respected and .git
 * is skipped. Symbolic links are never followed, so nothing outside DIR is read.
 * A missing DIR is exit 66.
 */
export function walkTree(dir: string): SourceTree {
  const root = checkFolder(dir);
  const files: string[] = [];
  const skipped: { path: string; why: string }[] = [];
  const visit = (rel: string, scopes: IgnoreScope[]) => {
    const abs = rel ? path.join(root, rel) : root;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      skipped.push({ path: rel || '.', why: `unreadable (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    const here = [...scopes];
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      here.push({ base: rel, rules: ignore().add(fs.readFileSync(path.join(abs, '.gitignore'), 'utf8')) });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === '.git') continue;
      let kind: 'dir' | 'file' | 'link' | 'other' = e.isSymbolicLink() ? 'link' : e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
      if (!e.isSymbolicLink() && !e.isDirectory() && !e.isFile() && !e.isFIFO() && !e.isSocket() && !e.isBlockDevice() && !e.isCharacterDevice()) {
        // DT_UNKNOWN on some file systems: ask lstat, which does not follow links.
        const st = fs.lstatSync(path.join(abs, e.name));
        kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
      }
      if (isIgnored(childRel, kind === 'dir', here)) continue;
      if (kind === 'link') skipped.push({ path: childRel, why: 'symbolic link (not followed)' });
      else if (kind === 'dir') visit(childRel, here);
      else if (kind === 'file') files.push(childRel);
      else skipped.push({ path: childRel, why: 'not a regular file' });
    }
  };
  visit('', []);
  return { dir, root, files, skipped };
}

/** The folder's real path; exit 66 when it does not exist or is not a folder. */
export function checkFolder(dir: string): string {
  let root: string;
  try {
    root = fs.realpathSync(dir);
  } catch {
    throw errors.cannotOpen(dir, 'no such folder');
  }
  if (!fs.statSync(root).isDirectory()) throw errors.cannotOpen(dir, 'not a folder');
  return root;
}

/** git's precedence: the last .gitignore (deepest) with a matching rule decides. */
function isIgnored(rel: string, isDir: boolean, scopes: IgnoreScope[]): boolean {
  let ignored = false;
  for (const s of scopes) {
    const sub = s.base ? rel.slice(s.base.length + 1) : rel;
    const r = s.rules.test(isDir ? `${sub}/` : sub);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/**
 * Reads a file of the tree as text, or null for binaries (a NUL byte in the first
 * 8000 bytes, as git decides) and files over MAX_FILE_BYTES. The path is opened with
 * O_NOFOLLOW, so a link swapped in after the walk is refused rather than followed.
 */
export function readTreeFile(tree: SourceTree, rel: string): string | null {
  const abs = path.join(tree.root, rel);
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    tree.skipped.push({ path: rel, why: `cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return null;
    if (st.size > MAX_FILE_BYTES) {
      tree.skipped.push({ path: rel, why: `larger than ${MAX_FILE_BYTES} bytes` });
      return null;
    }
    const bytes = Buffer.alloc(st.size);
    let read = 0;
    while (read < st.size) {
      const n = fs.readSync(fd, bytes, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    const head = bytes.subarray(0, Math.min(read, 8000));
    if (head.includes(0)) return null;
    return bytes.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}
