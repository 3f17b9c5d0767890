import { Flags } from '@oclif/core';
import { SchemaRegistry } from '@recdata/schema';
import { BaseCommand } from '../../base-command.js';
import { commonFlags } from '../../flags.js';
import { jsonFlag, REGISTRY_HELP, SUBJECT_HELP } from '../../schema-migrate.js';

export default class SchemaMigrateVersions extends BaseCommand {
  static override summary = 'List the subjects of a registry, the versions of a subject, or show one version.';
  static override description = `Without --subject: every subject with its number of versions. With --subject: one line per version (number, fingerprint, mode, record message, when registered, source file). With --show N: that version's .proto as registered, or with --canonical its canonical text (what the fingerprint is the SHA-256 of).`;
  static override examples = [
    { description: 'The versions of a subject', command: '<%= config.bin %> schema-migrate versions --registry reg.db --subject user_features' },
    { description: 'The .proto of version 2', command: '<%= config.bin %> schema-migrate versions --registry reg.db --subject user_features --show 2' },
    { description: 'Every subject, as JSON', command: '<%= config.bin %> schema-migrate versions --registry reg.db --json' },
  ];
  static override flags = {
    ...commonFlags,
    registry: Flags.string({ ...REGISTRY_HELP, required: true }),
    subject: Flags.string({ ...SUBJECT_HELP }),
    show: Flags.integer({ description: 'print this version', min: 1, helpValue: 'N', dependsOn: ['subject'] }),
    canonical: Flags.boolean({ description: 'with --show: the canonical text instead of the .proto', dependsOn: ['show'] }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(SchemaMigrateVersions);
    this.verbose = flags.verbose;
    const registry = SchemaRegistry.open(flags.registry!);
    try {
      if (!flags.subject) {
        const subjects = registry.subjects();
        if (flags.json) this.out(JSON.stringify({ subjects }, null, 2) + '\n');
        else this.out(subjects.length === 0 ? 'no subjects\n' : subjects.map((s) => `${s.name}  ${s.versions} version${s.versions === 1 ? '' : 's'} (latest ${s.latest})`).join('\n') + '\n');
        return;
      }
      if (flags.show !== undefined) {
        const row = registry.version(flags.subject, flags.show);
        if (flags.json) this.out(JSON.stringify(row, null, 2) + '\n');
        else this.out(flags.canonical ? row.canonical : row.source.endsWith('\n') ? row.source : `${row.source}\n`);
        return;
      }
      const rows = registry.requireVersions(flags.subject);
      if (flags.json) {
        this.out(JSON.stringify({ subject: flags.subject, versions: rows.map(({ canonical: _c, source: _s, ...rest }) => rest) }, null, 2) + '\n');
        return;
      }
      const table = [
        ['version', 'fingerprint', 'mode', 'message', 'registered', 'source'],
        ...rows.map((r) => [String(r.version), `sha256:${r.fingerprint.slice(0, 16)}`, r.mode, r.message, r.registeredAt, r.sourceName]),
      ];
      const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
      this.out(table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n') + '\n');
    } finally {
      registry.close();
    }
  }
}
