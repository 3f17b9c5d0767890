import type { Schema } from 'apache-arrow';
import { abortOutput, commitOutput, openOutput, type FdByteSink } from '../ipc/byte-sink.js';
import { ArrowStreamWriter } from '../ipc/writer.js';
import type { Progress } from '../progress.js';
import type { BatchStream } from './batch-stream.js';
import { withMetadata, withProvenance, type Provenance } from './provenance.js';

export interface WriteOptions {
  /** `-o FILE`; stdout when absent or `-`. */
  file?: string;
  /** Adds recdata.* keys to the output schema's metadata. */
  provenance?: Provenance;
  /** Extra metadata keys for the output schema. */
  metadata?: Record<string, string>;
  progress?: Progress;
}

export interface WriteSummary {
  rows: number;
  bytes: number;
  schema: Schema;
}

/**
 * Drains a stream into an Arrow IPC stream on stdout or a file. A file appears
 * only when everything was written; on failure nothing is left behind.
 */
export async function writeBatchStream(stream: BatchStream, options: WriteOptions = {}): Promise<WriteSummary> {
  const sink: FdByteSink = openOutput(options.file);
  try {
    let schema = stream.schema;
    if (options.provenance) schema = withProvenance(schema, options.provenance, options.metadata);
    else if (options.metadata) schema = withMetadata(schema, options.metadata);
    const writer = new ArrowStreamWriter(sink);
    await writer.writeSchema(schema);
    for await (const batch of stream) {
      await writer.write(batch);
      // Each batch leaves now, not gathered with the next: the next may come only
      // after the reader downstream has answered this one (recdata.ray keeps one
      // tool per worker and waits for each batch's rows), and the blocking read of
      // that next input would hold queued bytes here.
      await sink.send();
      options.progress?.add(batch.numRows, sink.bytesWritten);
    }
    await writer.finish();
    await commitOutput(sink);
    options.progress?.done(writer.rowsWritten, sink.bytesWritten);
    return { rows: writer.rowsWritten, bytes: sink.bytesWritten, schema };
  } catch (e) {
    abortOutput(sink);
    throw e;
  }
}
