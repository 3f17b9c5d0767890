import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** ../shared/datasets of the checkout, or of a folder above it (worktrees live one level deeper). */
function findDatasets(): string {
  if (process.env.RECDATA_DATASETS) return process.env.RECDATA_DATASETS;
  for (let dir = path.dirname(ROOT); ; dir = path.dirname(dir)) {
    const p = path.join(dir, 'shared', 'datasets');
    if (fs.existsSync(p)) return p;
    if (path.dirname(dir) === dir) return path.resolve(ROOT, '..', 'shared', 'datasets');
  }
}

export const DATASETS = findDatasets();
