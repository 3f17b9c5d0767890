import { Args } from '@oclif/core';
import { diffSchemas, formatDiff, loadProtoFile, modelFromFile } from '@recdata/schema';
import { BaseCommand } from '../../base-command.js';
import { commonFlags } from '../../flags.js';
import { jsonFlag, messageFlag } from '../../schema-migrate.js';

export default class SchemaMigrateDiff extends BaseCommand {
  static override summary = 'Summarise what changed between two versions: fields added, removed, renamed, retyped.';
  static override description = `Fields are matched by number, so a rename is a rename and not a removal plus an addition. Removed fields say whether their number and name are reserved; retyped fields say whether the change is a safe promotion. Enum values added, removed and renamed are listed too. Exit 0 whatever the differences (schema-migrate check is the gate).`;
  static override examples = [
    {
      description: 'What changed from v1 to v3',
      command: '<%= config.bin %> schema-migrate diff fixtures/schema/examples/user_features_v1.proto fixtures/schema/examples/user_features_v3.proto --message UserFeatures',
    },
    { description: 'The same as JSON', command: '<%= config.bin %> schema-migrate diff fixtures/schema/examples/user_features_v1.proto fixtures/schema/examples/user_features_v2.proto --json' },
  ];
  static override args = {
    older: Args.string({ description: 'the older .proto', required: true, ignoreStdin: true }),
    newer: Args.string({ description: 'the newer .proto', required: true, ignoreStdin: true }),
  };
  static override flags = { ...commonFlags, message: messageFlag, json: jsonFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SchemaMigrateDiff);
    this.verbose = flags.verbose;
    const older = modelFromFile(loadProtoFile(args.older), flags.message);
    const newer = modelFromFile(loadProtoFile(args.newer), flags.message);
    const diff = diffSchemas(older, newer);
    this.out(flags.json ? JSON.stringify(diff, null, 2) + '\n' : formatDiff(diff, args.older, args.newer));
  }
}
