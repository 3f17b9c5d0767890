#!/usr/bin/env node
// Installs whatever is missing and builds what is stale, so that `npm run demo`,
// `npm test` and `npm run bench` work on a fresh clone and are fast the second time.
// Steps: pnpm 12.4.2 (into .tools/), dependencies (pnpm install), TypeScript
// (tsc -b, incremental), the command bundle, the oclif manifest, the native addon (node-gyp; CUDA when
// nvcc is found), the command binaries in node_modules/.bin.
// Flags: --force-build rebuilds everything; --for-tests also installs the Debian
// and Python packages that the tests use (best effort: a test that needs a missing
// tool skips and says why).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const force = args.has('--force-build');
const quiet = !args.has('--verbose');
const PNPM_VERSION = '12.4.2';

function log(msg) {
  process.stderr.write(`bootstrap: ${msg}\n`);
}

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: opts.cwd ?? root, stdio: opts.capture ? 'pipe' : quiet && opts.quietOk ? 'pipe' : 'inherit', env: { ...process.env, ...opts.env }, encoding: 'utf8' });
  if (r.status !== 0 && !opts.allowFail) {
    if (r.stdout) process.stderr.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    log(`failed: ${cmd} ${argv.join(' ')}`);
    process.exit(r.status ?? 1);
  }
  return r;
}

function hashFiles(files) {
  const h = createHash('sha256');
  for (const f of files.sort()) {
    h.update(f);
    if (fs.existsSync(f)) h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

function listFiles(dir, exts, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'build' && e.name !== 'dist') listFiles(p, exts, out);
    } else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

/** Compiled JavaScript under a dist/ folder. */
function listDist(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listDist(p, out);
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

function stampOk(file, value) {
  return !force && fs.existsSync(file) && fs.readFileSync(file, 'utf8') === value;
}

// 1. pnpm, pinned, into .tools/ (no global install needed).
const pnpmBin = path.join(root, '.tools', 'node_modules', '.bin', 'pnpm');
function pnpmVersion() {
  if (!fs.existsSync(pnpmBin)) return null;
  const r = spawnSync(pnpmBin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
if (pnpmVersion() !== PNPM_VERSION) {
  log(`installing pnpm ${PNPM_VERSION} into .tools/`);
  fs.mkdirSync(path.join(root, '.tools'), { recursive: true });
  run('npm', ['install', '--prefix', path.join(root, '.tools'), '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${PNPM_VERSION}`]);
}

// 2. Dependencies. node-gyp (better-sqlite3, our addon) must use this Node's headers:
// pnpm 12 ignores .npmrc's nodedir, so it is exported here.
const buildEnv = {};
if (fs.existsSync('/usr/include/node/node.h')) buildEnv.npm_config_nodedir = '/usr';
const manifests = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', ...listFiles(path.join(root, 'packages'), ['package.json']), 'native/package.json'].map((f) =>
  path.isAbsolute(f) ? f : path.join(root, f),
);
const installStamp = path.join(root, 'node_modules', '.recdata-install');
const installHash = hashFiles(manifests);
if (!stampOk(installStamp, installHash)) {
  log('installing dependencies (pnpm install)');
  run(pnpmBin, ['install', '--frozen-lockfile', '--reporter=append-only'], { env: buildEnv, quietOk: true });
  fs.writeFileSync(installStamp, installHash);
}

// 3. TypeScript, incremental.
run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-b', ...(force ? ['--force'] : [])]);

// 4. The command bundle (start-up reads a few files, not hundreds of modules) and
// the oclif manifest (start-up reads it instead of importing every command).
const cliDir = path.join(root, 'packages', 'cli');
const compiled = fs.readdirSync(path.join(root, 'packages')).flatMap((p) => listDist(path.join(root, 'packages', p, 'dist')));
const bundleStamp = path.join(cliDir, 'bundle', '.bundle-stamp');
const bundleHash = createHash('sha256').update(compiled.map((f) => `${f}:${fs.statSync(f).mtimeMs}:${fs.statSync(f).size}`).join('\n')).update(fs.readFileSync(path.join(root, 'scripts', 'build-cli.mjs'))).digest('hex');
if (!stampOk(bundleStamp, bundleHash)) {
  log('bundling the commands (esbuild)');
  run(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')]);
  fs.writeFileSync(bundleStamp, bundleHash);
}
const manifestFile = path.join(cliDir, 'oclif.manifest.json');
const commandsHash = hashFiles(listFiles(path.join(cliDir, 'bundle', 'commands'), ['.js']).concat([path.join(cliDir, 'package.json')]));
const manifestStamp = path.join(cliDir, 'dist', '.manifest-stamp');
if (!fs.existsSync(manifestFile) || !stampOk(manifestStamp, commandsHash)) {
  log('writing oclif.manifest.json');
  run(path.join(cliDir, 'node_modules', '.bin', 'oclif'), ['manifest'], { cwd: cliDir, quietOk: true, env: { OCLIF_SKIP_UPDATE_CHECK: '1' } });
  fs.writeFileSync(manifestStamp, commandsHash);
}

// 5. The native addon. A failed native build is not fatal: every kernel has a JS twin;
// `recdata doctor` explains what failed. RECDATA_REQUIRE_NATIVE=1 makes it fatal.
const nativeDir = path.join(root, 'native');
const nativeSources = listFiles(nativeDir, ['.cc', '.h', '.cu', '.cuh', '.gyp', '.js', '.json']);
const nativeHash = hashFiles(nativeSources) + `|cuda=${process.env.RECDATA_WITH_CUDA ?? ''}|${process.version}`;
const nativeStamp = path.join(nativeDir, 'build', '.recdata-stamp');
if (!stampOk(nativeStamp, nativeHash) || !fs.existsSync(path.join(nativeDir, 'build', 'Release', 'recdata.node'))) {
  log('building the native addon (node-gyp)');
  const gyp = path.join(nativeDir, 'node_modules', '.bin', 'node-gyp');
  const r = run(gyp, ['rebuild', '--jobs', 'max'], { cwd: nativeDir, env: buildEnv, allowFail: true, quietOk: true });
  if (r.status === 0) fs.writeFileSync(nativeStamp, nativeHash);
  else {
    process.stderr.write((r.stdout ?? '').split('\n').slice(-30).join('\n') + (r.stderr ?? '').split('\n').slice(-30).join('\n'));
    if (process.env.RECDATA_REQUIRE_NATIVE === '1') {
      log('native build failed');
      process.exit(1);
    }
    log('native build failed: recdata will use its JS kernels (see `recdata doctor`)');
  }
}

// 6. Command binaries: recdata and the standalone capability commands.
const binDir = path.join(root, 'node_modules', '.bin');
const cliPkg = JSON.parse(fs.readFileSync(path.join(cliDir, 'package.json'), 'utf8'));
fs.mkdirSync(binDir, { recursive: true });
for (const [name, rel] of Object.entries(cliPkg.bin)) {
  const link = path.join(binDir, name);
  const target = path.relative(binDir, path.join(cliDir, rel));
  try {
    if (fs.readlinkSync(link) === target) continue;
    fs.unlinkSync(link);
  } catch {
    /* not a link yet */
  }
  fs.symlinkSync(target, link);
}

// 7. For tests: the Debian and Python packages that tests use as independent references.
if (args.has('--for-tests')) {
  const { ensureTestTools } = await import('./test-tools.mjs');
  await ensureTestTools({ root, log });
}
