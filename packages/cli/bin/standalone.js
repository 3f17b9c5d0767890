import { execute } from '@oclif/core';

/**
 * The capability commands also install as their own binaries (`dpu-hash ...` is
 * `recdata dpu-hash ...`): each bin file runs the CLI with its command id first.
 */
export async function runStandalone(commandId) {
  await execute({ dir: import.meta.url, args: [commandId, ...process.argv.slice(2)] });
}
