import { ArrowReader, errors, writeBatchStream } from '@recdata/core';
import { mergeProfiles, profileFromStream, profileToStream } from '@recdata/quality';
import { BaseCommand } from '../../base-command.js';
import { commonFlags, inputFilesArg, outputFlags } from '../../flags.js';

export default class QualityScanMerge extends BaseCommand {
  static override summary = 'Merge profiles (e.g. one per day) into one profile.';
  static override description = `Reads profiles written by quality-scan profile (each file, or each stream on stdin, is one profile) and writes their merge. Partitions with the same label merge; different ones are kept side by side (a partitioned and an unpartitioned profile cannot be merged; day, month and year profiles merge at the coarser unit). Counts, nulls, NaN, min, max and moments merge exactly (moments up to floating-point rounding); KLL quantiles, HyperLogLog++ distinct counts and space-saving top values within their error (a HyperLogLog merge equals the sketch of the union exactly). Column types must agree (exit 65 naming the column).`;
  static override examples = [
    { description: 'Two days into one profile', command: '<%= config.bin %> quality-scan merge mon.profile.arrow tue.profile.arrow > both.profile.arrow' },
    { description: 'A week of daily profiles into one reference', command: '<%= config.bin %> quality-scan merge day-*.profile.arrow -o week.profile.arrow' },
  ];
  static override args = { files: inputFilesArg };
  static override strict = false;
  static override flags = { ...commonFlags, ...outputFlags };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(QualityScanMerge);
    this.verbose = flags.verbose;
    const files = (argv as string[]).length > 0 ? (argv as string[]) : ['-'];
    if (files.length < 1) throw errors.usage('merge needs profiles to merge');
    const profiles = [];
    for (const file of files) {
      const reader = await ArrowReader.open([file]);
      profiles.push({ profile: await profileFromStream(reader, file), source: file });
    }
    const merged = mergeProfiles(profiles);
    await writeBatchStream(profileToStream(merged), { file: flags.output, provenance: this.provenance({ inputs: files.length }) });
  }
}
