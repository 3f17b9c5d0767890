#!/usr/bin/env node
// Tells binding.gyp whether to compile native/cuda/*.cu, and with which toolkit.
//   node tools/cuda-config.js enabled   prints 1 or 0
//   node tools/cuda-config.js home      prints the toolkit folder
// The toolkit is $CUDA_HOME (default /usr/local/cuda), never found through PATH:
// /usr/local/bin/nvcc on these machines is a wrapper script, so the folder above the
// `nvcc` on PATH is not a toolkit. RECDATA_WITH_CUDA=0 turns CUDA off; =1 makes a
// missing nvcc an error instead of a silent CPU-only build (scripts/gpu-check.sh).
'use strict';
const fs = require('fs');
const path = require('path');

const home = process.env.CUDA_HOME || '/usr/local/cuda';
const nvcc = path.join(home, 'bin', 'nvcc');
const wanted = process.env.RECDATA_WITH_CUDA;

function enabled() {
  if (wanted === '0') return false;
  let found = false;
  try {
    fs.accessSync(nvcc, fs.constants.X_OK);
    found = true;
  } catch {
    found = false;
  }
  if (!found && wanted === '1') {
    process.stderr.write(`cuda-config: RECDATA_WITH_CUDA=1 but ${nvcc} is missing (set CUDA_HOME to the CUDA toolkit)\n`);
    process.exit(1);
  }
  return found;
}

const what = process.argv[2];
if (what === 'enabled') process.stdout.write(enabled() ? '1\n' : '0\n');
else if (what === 'home') process.stdout.write(home + '\n');
else {
  process.stderr.write('usage: node tools/cuda-config.js enabled|home\n');
  process.exit(2);
}
