import { Flags } from '@oclif/core';
import { errors } from '@recdata/core';
import { checkCompatibility, DEFAULT_MODE, loadProtoFile, modelFromFile, parseMode, SchemaRegistry, type Version } from '@recdata/schema';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, inputFilesArg } from '../../flags.js';
import { checkJson, checkText, gateFailure, jsonFlag, messageFlag, modeFlag, REGISTRY_HELP, SUBJECT_HELP } from '../../schema-migrate.js';

export default class SchemaMigrateCheck extends BaseCommand {
  static override summary = 'Check that a new .proto version is compatible with the earlier ones.';
  static override description = `Files are versions, oldest first, the newest last; or, with --registry and --subject, one file checked against the subject's registered versions. The plain modes compare the newest with the version before it; the transitive modes with every earlier version, and also catch field numbers deleted in any earlier version and used again (FIELD_NUMBER_REUSED). backward: the new schema reads old data; forward: old readers read new data; full: both.

Each violation is printed as FILE:LINE:COL: RULE message.field: what is wrong (against which versions), the position in the newest file; docs/schema-rules.md describes every rule. Exit 0 when compatible, 1 when not.`;
  static override examples = [
    {
      description: 'Two versions, the new one against the old',
      command: '<%= config.bin %> schema-migrate check fixtures/schema/examples/user_features_v1.proto fixtures/schema/examples/user_features_v2.proto --message UserFeatures',
    },
    {
      description: 'The Feast case: a field deleted in v2 and re-added with another type in v3, caught transitively, as JSON',
      command:
        '<%= config.bin %> schema-migrate check fixtures/schema/rules/feast_reuse/v1.proto fixtures/schema/rules/feast_reuse/v2.proto fixtures/schema/rules/feast_reuse/v3.proto --mode backward_transitive --json',
    },
    { description: 'A file against every version registered for a subject', command: '<%= config.bin %> schema-migrate check fixtures/schema/examples/user_features_v3.proto --registry reg.db --subject user_features' },
  ];
  static override args = { files: inputFilesArg };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    message: messageFlag,
    mode: modeFlag,
    registry: Flags.string({ ...REGISTRY_HELP, dependsOn: ['subject'] }),
    subject: Flags.string({ ...SUBJECT_HELP, dependsOn: ['registry'] }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(SchemaMigrateCheck);
    this.verbose = flags.verbose;
    const files = argv as string[];
    let history: Version[];
    let candidateFile: string;
    let mode = flags.mode ? parseMode(flags.mode) : DEFAULT_MODE;
    let message = flags.message;
    if (flags.registry) {
      if (files.length !== 1) throw errors.usage(`expected one .proto file to check against the registry, got ${files.length}`);
      candidateFile = files[0];
      const registry = SchemaRegistry.open(flags.registry);
      try {
        const rows = registry.requireVersions(flags.subject!);
        history = registry.history(flags.subject!);
        if (!flags.mode) mode = parseMode(rows[rows.length - 1].mode);
        message ??= rows[rows.length - 1].message;
      } finally {
        registry.close();
      }
    } else {
      if (files.length < 2) throw errors.usage(`expected at least two .proto files (oldest first, the one to check last), got ${files.length}`);
      candidateFile = files[files.length - 1];
      history = files.slice(0, -1).map((f) => ({ model: modelFromFile(loadProtoFile(f), message), label: f }));
    }
    const candidate: Version = { model: modelFromFile(loadProtoFile(candidateFile), message), label: candidateFile };
    const result = checkCompatibility(history, candidate, mode);
    this.out(flags.json ? checkJson(result) : checkText(result));
    if (!result.compatible) throw gateFailure(result);
  }
}
