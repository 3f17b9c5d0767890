import { ArrowReader, batchStream, writeBatchStream, type BatchStream, type WriteOptions } from '@recdata/core';

/**
 * --print-schema: the output schema of a transform for its input's schema, as an
 * empty Arrow stream (schema message, end-of-stream), with the metadata a real run
 * would write. Only the input's schema message is read: no batch is read, decoded
 * or processed, and the rest of the input is left unread. `outputFor` is the
 * command's own operator, given an input with that schema and no batches, so the
 * schema cannot drift from what the command writes; metadata that a command
 * derives from the rows themselves (seq-encode's tables) is that of an empty input.
 */
export async function printOutputSchema(
  files: readonly string[],
  outputFor: (input: BatchStream) => BatchStream | Promise<BatchStream>,
  options: Pick<WriteOptions, 'file' | 'provenance' | 'metadata'>,
): Promise<void> {
  const reader = await ArrowReader.open(files);
  const output = await outputFor(batchStream(reader.schema, []));
  await writeBatchStream(batchStream(output.schema, []), options);
}
