// The command surface (commands, flags, arguments) is snapshotted: a change to it
// is a change to every user's scripts, so CI notices it. After a deliberate change:
//   UPDATE_SNAPSHOTS=1 node scripts/test.mjs surface
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ROOT, runCli } from './helpers/cli.ts';

const CLI_DIR = path.join(ROOT, 'packages', 'cli');
const SNAPSHOT = path.join(ROOT, 'fixtures', 'expected', 'command-surface.json');

interface ManifestFlag {
  name: string;
  type: string;
  char?: string;
  options?: string[];
  default?: unknown;
  multiple?: boolean;
  allowNo?: boolean;
  required?: boolean;
}

function surface(): Record<string, unknown> {
  const manifest = JSON.parse(fs.readFileSync(path.join(CLI_DIR, 'oclif.manifest.json'), 'utf8'));
  const out: Record<string, unknown> = {};
  for (const id of Object.keys(manifest.commands).sort()) {
    const c = manifest.commands[id];
    const flags = Object.fromEntries(
      Object.values(c.flags as Record<string, ManifestFlag>)
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((f) => [
          f.name,
          [f.type, f.char ? `-${f.char}` : null, f.options ? f.options.join('|') : null, f.default !== undefined ? `default ${JSON.stringify(f.default)}` : null, f.multiple ? 'multiple' : null, f.allowNo ? 'allow-no' : null, f.required ? 'required' : null]
            .filter(Boolean)
            .join(' '),
        ]),
    );
    out[id.replace(/:/g, ' ')] = { args: Object.keys(c.args ?? {}), flags };
  }
  return out;
}

describe('command surface', () => {
  it('matches the snapshot in fixtures/expected/command-surface.json', () => {
    const current = surface();
    if (process.env.UPDATE_SNAPSHOTS === '1' || !fs.existsSync(SNAPSHOT)) {
      fs.mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
      fs.writeFileSync(SNAPSHOT, JSON.stringify(current, null, 2) + '\n');
    }
    assert.deepEqual(current, JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')), 'the command surface changed: review, then UPDATE_SNAPSHOTS=1 node scripts/test.mjs surface');
  });

  it('every positional argument ignores stdin (oclif would otherwise swallow a piped Arrow stream)', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(CLI_DIR, 'oclif.manifest.json'), 'utf8'));
    for (const [id, c] of Object.entries<{ relativePath?: string[] }>(manifest.commands)) {
      const file = path.join(CLI_DIR, ...(c.relativePath ?? []));
      const mod = await import(pathToFileURL(file).href);
      for (const [name, arg] of Object.entries<{ ignoreStdin?: boolean }>(mod.default.args ?? {})) {
        assert.equal(arg.ignoreStdin, true, `${id}: argument ${name} must set ignoreStdin (use inputFilesArg)`);
      }
    }
  });

  it('every command has --help with at least two examples', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(CLI_DIR, 'oclif.manifest.json'), 'utf8'));
    for (const [id, c] of Object.entries<{ examples?: unknown[] }>(manifest.commands)) {
      assert.ok((c.examples ?? []).length >= 2, `${id} has ${(c.examples ?? []).length} examples`);
    }
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout.toString(), /COMMANDS/);
  });
});
