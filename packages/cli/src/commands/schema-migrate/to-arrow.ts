import { Args, Flags } from '@oclif/core';
import { batchStream, writeBatchStream } from '@recdata/core';
import { arrowSchemaText, fingerprint, loadProtoFile, modelFromFile, SCHEMA_METADATA, toArrowSchema } from '@recdata/schema';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, outputFlags } from '../../flags.js';
import { messageFlag } from '../../schema-migrate.js';

export default class SchemaMigrateToArrow extends BaseCommand {
  static override summary = 'Print the Arrow schema of a protobuf record message.';
  static override description = `The mapping (docs/schema-mapping.md): int32/sint32/sfixed32 -> int32, int64/sint64/sfixed64 -> int64, uint32/fixed32 -> uint32, uint64/fixed64 -> uint64, float -> float32, double -> float64, bool, string -> utf8, bytes -> binary, enum -> dictionary<int32, utf8>, repeated -> list, map -> map, message -> struct, google.protobuf.Timestamp -> timestamp[us, UTC]. Every field is nullable and carries its number under PARQUET:field_id; columns come in declaration order.

--format text prints the schema, one field per line with its number; --format arrow writes an empty Arrow stream with that schema (for tools that take a schema as a stream).`;
  static override examples = [
    {
      description: 'The Arrow schema of a record message',
      command: '<%= config.bin %> schema-migrate to-arrow fixtures/schema/examples/user_features_v3.proto --message UserFeatures',
    },
    {
      description: 'As an empty Arrow stream, read back by recdata cat',
      command: '<%= config.bin %> schema-migrate to-arrow fixtures/schema/examples/user_features_v1.proto --format arrow | <%= config.bin %> cat --schema',
    },
  ];
  static override args = { file: Args.string({ description: 'the .proto file', required: true, ignoreStdin: true }) };
  static override flags = {
    ...commonFlags,
    ...outputFlags,
    message: messageFlag,
    format: Flags.string({ description: 'text, or an empty Arrow stream', options: ['text', 'arrow'], default: 'text' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SchemaMigrateToArrow);
    this.verbose = flags.verbose;
    const model = modelFromFile(loadProtoFile(args.file), flags.message);
    const schema = toArrowSchema(model, { [SCHEMA_METADATA.fingerprint]: fingerprint(model) });
    if (flags.format === 'arrow') {
      await writeBatchStream(batchStream(schema, []), { file: flags.output, provenance: this.provenance({ file: args.file, message: model.record }) });
      return;
    }
    this.out(arrowSchemaText(schema));
  }
}
