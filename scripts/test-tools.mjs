// The outside tools that tests use as independent references or drivers, installed
// when missing (best effort: a test that needs a missing tool skips and says why).
//  - Debian: protoc (schema fixtures), chromium (HTML reports in a real browser),
//    zstd (benchmarks), xxhsum (hash cross-checks).
//  - Python, in .venv (system site packages kept for numpy/scipy): pyarrow, SciPy,
//    xxhash, mmh3, pytest, Ray Data, and the recdata package itself (editable).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const APT_PACKAGES = [
  { bin: 'protoc', pkg: 'protobuf-compiler' },
  { bin: 'chromium', pkg: 'chromium' },
  { bin: 'zstd', pkg: 'zstd' },
  { bin: 'xxhsum', pkg: 'xxhash' },
];

const PYTHON_PACKAGES = [
  { module: 'pyarrow', pkg: 'pyarrow' },
  { module: 'scipy', pkg: 'scipy' },
  { module: 'xxhash', pkg: 'xxhash' },
  { module: 'mmh3', pkg: 'mmh3' },
  { module: 'pytest', pkg: 'pytest' },
  { module: 'ray.data', pkg: 'ray[data]' },
];

function has(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export async function ensureTestTools({ root, log }) {
  const missing = APT_PACKAGES.filter((p) => !has(p.bin)).map((p) => p.pkg);
  if (missing.length > 0) {
    if (process.getuid?.() === 0 && has('apt-get')) {
      log(`installing Debian packages: ${missing.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 });
      for (const pkg of missing) {
        const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'ignore', env, timeout: 600_000 });
        if (r.status !== 0) log(`could not install ${pkg}; tests that need it will skip`);
      }
    } else log(`missing ${missing.join(' ')} and cannot apt-get install them; tests that need them will skip`);
  }

  const venv = path.join(root, '.venv');
  const python = path.join(venv, 'bin', 'python3');
  if (!fs.existsSync(python)) {
    log('creating .venv (Python packages for tests)');
    const r = spawnSync('python3', ['-m', 'venv', '--system-site-packages', venv], { stdio: 'inherit' });
    if (r.status !== 0) {
      log('python3 -m venv failed; Python tests will skip');
      return;
    }
  }
  const absent = PYTHON_PACKAGES.filter((p) => spawnSync(python, ['-c', `import ${p.module}`], { stdio: 'ignore' }).status !== 0);
  if (absent.length > 0) {
    log(`installing Python packages: ${absent.map((p) => p.pkg).join(' ')}`);
    // The flags stop pip from waiting on the public index, which is unreachable here;
    // the machine's local package index answers.
    const r = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--timeout', '3', ...absent.map((p) => p.pkg)], { stdio: 'inherit', timeout: 900_000 });
    if (r.status !== 0) log('pip install failed; Python tests that need these packages will skip');
  }
  // The recdata Python package (packages/python), editable: `import recdata` in .venv is this
  // checkout's source. (scripts/test.mjs also puts its src on PYTHONPATH, so the tests run
  // the checkout even when this step fails.)
  const pkg = path.join(root, 'packages', 'python');
  const where = spawnSync(python, ['-c', 'import recdata, os; print(os.path.realpath(recdata.__file__))'], { encoding: 'utf8' });
  if (fs.existsSync(path.join(pkg, 'pyproject.toml')) && !(where.status === 0 && where.stdout.trim().startsWith(fs.realpathSync(pkg) + path.sep))) {
    log('installing the recdata Python package (pip install -e packages/python)');
    const r = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--timeout', '3', '--no-deps', '-e', pkg], { stdio: 'inherit', timeout: 600_000 });
    if (r.status !== 0) log('pip install -e packages/python failed; the Python tests use packages/python/src through PYTHONPATH');
  }
}
