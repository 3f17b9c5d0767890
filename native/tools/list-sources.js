#!/usr/bin/env node
// Prints the files under DIR ending in EXT, one per line, relative to native/ and
// sorted, for binding.gyp's `<!@(...)`: a new kernel family is a new file, and
// binding.gyp never has to list it.
// Usage: node tools/list-sources.js DIR EXT
'use strict';
const fs = require('fs');
const path = require('path');

const [dir, ext] = process.argv.slice(2);
if (!dir || !ext) {
  process.stderr.write('usage: node tools/list-sources.js DIR EXT\n');
  process.exit(2);
}
const nativeDir = path.resolve(__dirname, '..');
const root = path.join(nativeDir, dir);
const found = fs.existsSync(root)
  ? fs
      .readdirSync(root, { recursive: true })
      .filter((f) => f.endsWith(ext))
      .map((f) => path.join(dir, f).split(path.sep).join('/'))
      .sort()
  : [];
// A path with a space would be split in two by gyp's `<!@`.
const bad = found.find((f) => /\s/.test(f));
if (bad) {
  process.stderr.write(`list-sources: file names must not contain spaces: ${bad}\n`);
  process.exit(1);
}
process.stdout.write(found.join('\n') + (found.length ? '\n' : ''));
