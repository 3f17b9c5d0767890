#!/usr/bin/env node
// Runs a TypeScript script (demo, benchmarks) with tsx, resolving workspace
// packages to their TypeScript sources.
import { spawnSync } from 'node:child_process';

const [script, ...rest] = process.argv.slice(2);
const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script, ...rest], { stdio: 'inherit', env: { ...process.env, OCLIF_SKIP_UPDATE_CHECK: '1' } });
process.exit(r.status ?? 1);
