import { Flags } from '@oclif/core';
import { errors } from '@recdata/core';
import { applySchema, describePlan, loadProtoFile, modelFromFile, openReplay, replayArrow, type SchemaModel } from '@recdata/schema';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, inputFilesArg, outputFlags, printSchemaFlag } from '../../flags.js';
import { printOutputSchema } from '../../print-schema.js';
import { messageFlag, REGISTRY_HELP, SUBJECT_HELP } from '../../schema-migrate.js';

export default class SchemaMigrateApply extends BaseCommand {
  static override summary = 'Read data written under an earlier schema version as the reader version, without rewriting it.';
  static override description = `Columns are matched by field number: the PARQUET:field_id of each column, or, with --from (or --from-version), the field of that name in the schema the data was written under. The output has exactly the reader schema's columns, in its order: renamed fields cost nothing, fields the data lacks are filled with their declared default (proto2 [default = ...], else null), fields the reader lacks are dropped, and safe promotions (int32 -> int64, uint32 -> uint64, uint32 -> int64, float -> double, int32 -> double, an enum that gained values) are converted. Columns that do not change are relayed without being decoded, as recdata cat relays a stream (--validate decodes and checks every batch instead; same output).

Any other difference stops the command before it writes anything (exit 65, naming the field and both types), as does a column whose type is not what the --from schema declares. With a registry and no --from, a stream that names its schema's fingerprint (recdata.schema.fingerprint, written by this command) is checked against that registered version. The output's metadata records the reader's message, fingerprint, and with a registry its subject and version.`;
  static override examples = [
    {
      description: 'Generated events written under watch_events v1 (columns matched by name), read as v2',
      command:
        '<%= config.bin %> gen events --events 10000 | <%= config.bin %> cat --select user_id,item_id,action,duration_ms,device | <%= config.bin %> schema-migrate apply --from fixtures/schema/demo/watch_events_v1.proto --to fixtures/schema/demo/watch_events_v2.proto | <%= config.bin %> cat --schema',
    },
    {
      description: 'Replay a day written under version 1 as version 3 of a registered subject (columns matched by field id)',
      command: '<%= config.bin %> schema-migrate apply --registry reg.db --subject user_features --to-version 3 < old_day.arrow > as_v3.arrow',
    },
    {
      description: 'Stamp a stream with a schema\'s field ids and fingerprint (reader and writer the same)',
      command: '<%= config.bin %> schema-migrate apply --from v1.proto --to v1.proto --message UserFeatures < old.arrow > old.v1.arrow',
    },
  ];
  static override args = { files: inputFilesArg };
  static override strict = false;
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    registry: Flags.string({ ...REGISTRY_HELP, dependsOn: ['subject'], exclusive: ['to'] }),
    subject: Flags.string({ ...SUBJECT_HELP, dependsOn: ['registry'] }),
    'to-version': Flags.integer({ description: 'the reader version in the registry (default: the latest)', min: 1, helpValue: 'N', dependsOn: ['registry'] }),
    'from-version': Flags.integer({ description: 'the registered version the data was written under', min: 1, helpValue: 'N', dependsOn: ['registry'], exclusive: ['from'] }),
    to: Flags.string({ description: 'the reader schema as a .proto file', helpValue: 'FILE' }),
    from: Flags.string({ description: 'the .proto the data was written under (matches columns by name when they carry no field ids)', helpValue: 'FILE' }),
    message: messageFlag,
    validate: Flags.boolean({ description: 'decode every batch and check every column (slower than relaying the unchanged ones)', default: false }),
    'print-schema': printSchemaFlag,
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(SchemaMigrateApply);
    this.verbose = flags.verbose;
    if (!flags.to && !flags.registry) throw errors.usage('give the reader schema: --to FILE, or --registry FILE --subject NAME [--to-version N]');
    const replay = openReplay({
      to: flags.to ? modelFromFile(loadProtoFile(flags.to), flags.message) : undefined,
      from: flags.from ? (reader: SchemaModel) => modelFromFile(loadProtoFile(flags.from!), flags.message ?? reader.record) : undefined,
      registry: flags.registry,
      subject: flags.subject,
      toVersion: flags['to-version'],
      fromVersion: flags['from-version'],
    });
    const toVersion = flags.registry ? replay.readerVersion : undefined;
    const provenance = this.provenance({
      to: flags.to ?? null,
      from: flags.from ?? null,
      registry: flags.registry ?? null,
      subject: flags.subject ?? null,
      to_version: toVersion ?? null,
      from_version: flags['from-version'] ?? null,
      message: replay.reader.record,
    });
    if (flags['print-schema']) {
      await printOutputSchema(argv as string[], (input) => applySchema(input, replay.resolveFor(input.schema).options), { file: flags.output, provenance });
      return;
    }
    await replayArrow(
      argv as string[],
      (schema) => {
        const { options, writerLabel } = replay.resolveFor(schema);
        if (writerLabel) this.note(`data checked against ${writerLabel}`);
        return options;
      },
      {
        file: flags.output,
        validate: flags.validate,
        onPlan: (plan, relayed) => this.note(describePlan(plan, relayed)),
        progress: this.progress(flags.progress),
        provenance,
      },
    );
  }
}
