import fs from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { loadProtoFile, modelFromFile, parseMode, SchemaRegistry } from '@recdata/schema';
import { BaseCommand } from '../../base-command.js';
import { commonFlags } from '../../flags.js';
import { checkJson, checkText, gateFailure, jsonFlag, messageFlag, modeFlag, REGISTRY_HELP, SUBJECT_HELP } from '../../schema-migrate.js';

export default class SchemaMigrateRegister extends BaseCommand {
  static override summary = 'Register a .proto as the next version of a subject, if it is compatible.';
  static override description = `The registry is an SQLite file (created by the first register): per subject, every version's canonical text, its SHA-256 fingerprint, the .proto as given, the mode it was checked under and when it was registered.

The new version is checked against the registered ones under --mode (default: the mode of the latest version, else backward_transitive). Incompatible: nothing is written, the violations are printed and the exit code is 1. A schema whose fingerprint is registered already (the same schema, whatever its comments or layout) is a no-op that names the existing version. Each register is one transaction: a crash part-way leaves the registry as it was.`;
  static override examples = [
    {
      description: 'Register the first two versions of a subject',
      command:
        '<%= config.bin %> schema-migrate register --registry reg.db --subject user_features fixtures/schema/examples/user_features_v1.proto && <%= config.bin %> schema-migrate register --registry reg.db --subject user_features fixtures/schema/examples/user_features_v2.proto',
    },
    {
      description: 'Register the next version under an explicit mode, answering in JSON',
      command: '<%= config.bin %> schema-migrate register --registry reg.db --subject user_features --mode backward_transitive fixtures/schema/examples/user_features_v3.proto --json',
    },
  ];
  static override args = { file: Args.string({ description: 'the .proto file of the new version', required: true, ignoreStdin: true }) };
  static override flags = {
    ...commonFlags,
    registry: Flags.string({ ...REGISTRY_HELP, required: true }),
    subject: Flags.string({ ...SUBJECT_HELP, required: true }),
    message: messageFlag,
    mode: modeFlag,
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(SchemaMigrateRegister);
    this.verbose = flags.verbose;
    const file = loadProtoFile(args.file);
    const created = !fs.existsSync(flags.registry!);
    const registry = SchemaRegistry.open(flags.registry!, { create: true });
    let result;
    try {
      const latest = registry.versions(flags.subject!).at(-1);
      const model = modelFromFile(file, flags.message ?? latest?.message);
      result = registry.register(flags.subject!, model, { text: file.source, name: args.file }, { mode: flags.mode ? parseMode(flags.mode) : undefined });
    } catch (e) {
      registry.close();
      // A registry this command created and could not use is not left behind.
      if (created) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${flags.registry}${suffix}`, { force: true });
      throw e;
    }
    registry.close();
    const { check } = result;
    if (flags.json) {
      const body = JSON.parse(checkJson(check));
      const out = { subject: flags.subject, outcome: check.compatible ? result.outcome : 'refused', version: check.compatible ? result.version : null, fingerprint: result.fingerprint, ...body };
      this.out(JSON.stringify(out, null, 2) + '\n');
    } else if (!check.compatible) {
      this.out(checkText(check));
    } else if (result.outcome === 'unchanged') {
      this.out(`unchanged: ${flags.subject} version ${result.version} has this schema already (sha256 ${result.fingerprint})\n`);
    } else {
      this.out(`registered ${flags.subject} version ${result.version} (sha256 ${result.fingerprint}, ${check.mode})\n`);
    }
    if (!check.compatible) throw gateFailure(check);
  }
}
