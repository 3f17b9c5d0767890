#!/usr/bin/env node
// Runs every test: node's runner (with tsx) over the unit tests beside each package
// and the end-to-end tests in test/, then the Python tests when packages/python has
// any. Node 20's --test does not expand globs, so the files are listed here.
// Usage: node scripts/test.mjs [FILTER...]  (substrings of test file paths)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

function find(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!['node_modules', 'dist', 'build', 'fixtures'].includes(e.name)) find(p, out);
    } else if (e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out;
}

const files = [...fs.readdirSync(path.join(root, 'packages')).flatMap((p) => find(path.join(root, 'packages', p, 'test'))), ...find(path.join(root, 'test'))]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

fs.mkdirSync(path.join(root, 'test-output'), { recursive: true });
const env = { ...process.env, RECDATA_TEST_OUTPUT: path.join(root, 'test-output'), OCLIF_SKIP_UPDATE_CHECK: '1' };
let status = 0;
if (files.length > 0) {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  status = r.status ?? 1;
}

const pyTests = path.join(root, 'packages', 'python', 'tests');
const python = path.join(root, '.venv', 'bin', 'python3');
if (fs.existsSync(pyTests) && (filters.length === 0 || filters.some((x) => 'packages/python'.includes(x) || x.includes('python')))) {
  if (!fs.existsSync(python)) {
    process.stderr.write('python tests: skipped, .venv is missing (run npm test, which creates it)\n');
  } else {
    // The checkout's package first on the path (whatever .venv has installed); no cache folder written.
    const pyEnv = { ...env, PYTHONPATH: [path.join(root, 'packages', 'python', 'src'), env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
    const r = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', pyTests], { cwd: root, stdio: 'inherit', env: pyEnv });
    // pytest exit 5 means no tests collected
    if (r.status !== 0 && r.status !== 5) status = status || r.status || 1;
  }
}
process.exit(status);
