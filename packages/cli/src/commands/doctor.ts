import { Flags } from '@oclif/core';
import { doctorReport, doctorText } from '@recdata/core';
import { BaseCommand } from '../base-command.js';
import { commonFlags } from '../flags.js';

export default class Doctor extends BaseCommand {
  static override summary = 'What this machine offers: native addon, CPU features, CUDA devices, worker threads.';
  static override examples = [
    { description: 'A readable report', command: '<%= config.bin %> doctor' },
    { description: 'The same as JSON, e.g. to check for a GPU in a script', command: "<%= config.bin %> doctor --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"cuda\"][\"devices\"]))'" },
  ];
  static override flags = {
    ...commonFlags,
    json: Flags.boolean({ description: 'print the report as JSON', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Doctor);
    this.verbose = flags.verbose;
    const report = doctorReport();
    this.out(flags.json ? JSON.stringify(report, null, 2) + '\n' : doctorText(report));
  }
}
