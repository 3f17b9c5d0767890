import fs from 'node:fs';
import { createRequire } from 'node:module';
import { makeBuilder, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import type * as ParquetWasm from 'parquet-wasm/node';
import { errors, openError } from '../errors.js';
import { FdByteSource } from '../ipc/byte-source.js';
import type { FdByteSink } from '../ipc/byte-sink.js';
import { describeSchemaDifference } from '../schema-text.js';
import type { BatchStream } from '../stream/batch-stream.js';

let loaded: typeof ParquetWasm | null = null;

/** parquet-wasm, loaded on first use (compiling its WebAssembly costs about 0.1 s). */
function parquetWasm(): typeof ParquetWasm {
  loaded ??= createRequire(import.meta.url)('parquet-wasm/node') as typeof ParquetWasm;
  return loaded;
}

export const PARQUET_COMPRESSIONS = ['zstd', 'snappy', 'gzip', 'brotli', 'lz4', 'none'] as const;
export type ParquetCompression = (typeof PARQUET_COMPRESSIONS)[number];

/** Stdin read to the end: Parquet's footer is at the end, so a pipe must be held whole. */
async function readAllStdin(): Promise<Uint8Array> {
  const source = FdByteSource.stdin();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = await source.read(16 << 20);
    if (chunk.length === 0) break;
    parts.push(chunk);
    total += chunk.length;
    if (chunk.length < 16 << 20) break;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
}

interface OpenedParquet {
  name: string;
  file: ParquetWasm.ParquetFile;
}

async function openParquet(path: string): Promise<OpenedParquet> {
  let blob: Blob;
  if (path === '-') {
    const bytes = await readAllStdin();
    if (bytes.length === 0) throw errors.badInput('empty input: no Parquet file on stdin', { file: 'stdin' });
    blob = new Blob([bytes]);
  } else {
    try {
      // A file-backed Blob: parquet-wasm reads the footer, then one row group at a time.
      blob = await fs.openAsBlob(path);
    } catch (e) {
      throw openError(path, e);
    }
  }
  const name = path === '-' ? 'stdin' : path;
  try {
    return { name, file: await parquetWasm().ParquetFile.fromFile(blob) };
  } catch (e) {
    throw errors.badInput(`not a Parquet file: ${describeWasmError(e)}`, { file: name });
  }
}

function describeWasmError(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

/**
 * Parquet files (or one on stdin) as record batches, read one row group at a
 * time so memory holds one row group, not the file. Every file must have the
 * first file's schema.
 */
export async function readParquet(paths: readonly string[], options: { batchSize: number }): Promise<BatchStream> {
  const list = paths.length === 0 ? ['-'] : paths;
  for (const p of list) if (p !== '-' && !fs.existsSync(p)) throw openError(p, Object.assign(new Error('no such file'), { code: 'ENOENT' }));
  const files: OpenedParquet[] = [];
  for (const p of list) files.push(await openParquet(p));
  const schemaOf = (f: OpenedParquet) => tableFromIPC(f.file.schema().intoIPCStream()).schema;
  const schema = schemaOf(files[0]);
  return {
    schema,
    async *[Symbol.asyncIterator]() {
      for (let k = 0; k < files.length; k++) {
        const { name, file } = files[k];
        if (k > 0) {
          const difference = describeSchemaDifference(schema, schemaOf(files[k]));
          if (difference) throw errors.schemaMismatch(`a later file's schema differs from the first: ${difference}`, { file: name });
        }
        const groups = file.metadata().numRowGroups();
        for (let g = 0; g < groups; g++) {
          let table: Table;
          try {
            const wasmTable = await file.read({ rowGroups: [g], batchSize: options.batchSize });
            table = tableFromIPC(wasmTable.intoIPCStream());
          } catch (e) {
            throw errors.badInput(`cannot read row group ${g}: ${describeWasmError(e)}`, { file: name });
          }
          for (const batch of table.batches) yield new RecordBatch(schema, batch.data);
        }
        file.free();
      }
    },
  };
}

const CODECS: Record<ParquetCompression, keyof typeof ParquetWasm.Compression> = {
  zstd: 'ZSTD',
  snappy: 'SNAPPY',
  gzip: 'GZIP',
  brotli: 'BROTLI',
  lz4: 'LZ4_RAW',
  none: 'UNCOMPRESSED',
};

export interface ParquetWriteOptions {
  compression: ParquetCompression;
  /** Rows per row group (the writer's default is 1Mi). */
  rowGroupRows?: number;
}

/**
 * Writes a stream as one Parquet file through parquet-wasm's streaming writer:
 * each batch crosses into WebAssembly as IPC bytes and the file's bytes come back
 * row group by row group, so memory holds about one row group.
 */
export async function writeParquet(stream: BatchStream, sink: FdByteSink, options: ParquetWriteOptions): Promise<{ rows: number }> {
  const pw = parquetWasm();
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[CODECS[options.compression]])
    .setMaxRowGroupSize(options.rowGroupRows ?? 1 << 20)
    .build();
  const iterator = stream[Symbol.asyncIterator]();
  let rows = 0;
  // An error from upstream must surface as itself, not as whatever the wasm side makes of it.
  let upstreamError: unknown = null;
  // An empty first batch carries the schema, so a stream without rows still makes a valid file.
  let pending: RecordBatch[] = [emptyBatch(stream.schema)];
  const batches = new ReadableStream({
    async pull(controller) {
      for (;;) {
        const next = pending.shift();
        if (next) {
          // Re-labelled with the stream schema: batches from other sources may carry other dictionary ids.
          const ipc = tableToIPC(new Table(stream.schema, [new RecordBatch(stream.schema, next.data)]), 'stream');
          for (const b of pw.Table.fromIPCStream(ipc).recordBatches()) controller.enqueue(b);
          return;
        }
        let r: IteratorResult<RecordBatch>;
        try {
          r = await iterator.next();
        } catch (e) {
          upstreamError = e;
          controller.error(e);
          return;
        }
        if (r.done) {
          controller.close();
          return;
        }
        rows += r.value.numRows;
        pending = [r.value];
      }
    },
  });
  let output: ReadableStream<Uint8Array>;
  try {
    output = await pw.transformParquetStream(batches, props);
  } catch (e) {
    throw errors.internal(`parquet writer: ${describeWasmError(e)}`, e);
  }
  const reader = output.getReader();
  for (;;) {
    let chunk: { done: boolean; value?: Uint8Array };
    try {
      chunk = await reader.read();
    } catch (e) {
      throw upstreamError ?? errors.internal(`parquet writer: ${describeWasmError(e)}`, e);
    }
    if (chunk.done) break;
    await sink.write(chunk.value!);
  }
  if (upstreamError) throw upstreamError;
  return { rows };
}

/** A batch of no rows with every column of the schema (any type apache-arrow can build). */
function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => makeBuilder({ type: f.type }).finish().flush().clone(f.type));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, children, nullCount: 0 }));
}

/** Whether this build of parquet-wasm can write a codec (probed once per codec). */
export function parquetCodecAvailable(codec: ParquetCompression): boolean {
  try {
    const pw = parquetWasm();
    const schema = new Schema([]);
    const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression[CODECS[codec]]).build();
    pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(new Table(schema), 'stream')), props);
    return true;
  } catch {
    return false;
  }
}
