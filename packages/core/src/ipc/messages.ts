import { Message, MessageHeader, type Schema } from 'apache-arrow';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { errors } from '../errors.js';
import type { FdByteSource } from './byte-source.js';

const CONTINUATION = 0xffffffff;
/** A metadata flatbuffer larger than this is not something any writer produces. */
const MAX_METADATA_BYTES = 64 << 20;
const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

export type FramedMessage =
  | { kind: 'message'; message: Message; body: Uint8Array; offset: number }
  | { kind: 'end-of-stream'; offset: number }
  | { kind: 'end-of-input'; offset: number };

/** A message whose body has not been read yet (the relay streams bodies through). */
export type FramedHeader =
  | { kind: 'message'; message: Message; metadata: Uint8Array; bodyLength: number; offset: number }
  | { kind: 'end-of-stream'; offset: number }
  | { kind: 'end-of-input'; offset: number };

function isMagic(bytes: Uint8Array): boolean {
  if (bytes.length < ARROW_MAGIC.length) return false;
  for (let i = 0; i < ARROW_MAGIC.length; i++) if (bytes[i] !== ARROW_MAGIC[i]) return false;
  return true;
}

function readUint32(bytes: Uint8Array): number {
  return (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
}

/**
 * Splits an input into IPC messages: the encapsulated format (continuation
 * marker, metadata length, flatbuffer, body) and the pre-0.15 legacy framing.
 * The IPC file format is recognised by its "ARROW1" magic: its messages are a
 * stream followed by a footer, which is skipped.
 */
export class MessageFramer {
  readonly source: FdByteSource;
  /** Set once the input is known to be in the IPC file format. */
  fileFormat = false;

  constructor(source: FdByteSource) {
    this.source = source;
  }

  private pending: FramedHeader | null = null;

  /** Returns a header to be read again by the next call (its body is still unread). */
  pushBack(header: FramedHeader): void {
    this.pending = header;
  }

  /**
   * The schema of an IPC file from its footer. Some writers (apache-arrow JS) put
   * the schema only there, not at the start of the stream inside the file. On a
   * pipe this means reading the whole input first.
   */
  async footerSchema(): Promise<Schema> {
    const src = this.source;
    let tail = src.readTail(10);
    if (!tail) {
      await src.slurpRest();
      tail = src.bufferedTail(10);
    }
    if (!tail || !isMagic(tail.subarray(4))) throw errors.truncated(src.name, src.position, 'an IPC file (no footer magic at the end)');
    const footerLength = readUint32(tail);
    const block = src.readTail(footerLength + 10) ?? src.bufferedTail(footerLength + 10);
    if (!block) throw errors.notArrow(src.name, src.position, `IPC file footer length ${footerLength} exceeds the file`);
    try {
      return Footer.decode(block.subarray(0, footerLength)).schema;
    } catch (e) {
      throw errors.notArrow(src.name, src.position, `unreadable IPC file footer (${(e as Error).message})`);
    }
  }

  async next(): Promise<FramedMessage> {
    const header = await this.nextHeader();
    if (header.kind !== 'message') return header;
    const src = this.source;
    const bodyOffset = src.position;
    const body = header.bodyLength > 0 ? await src.read(header.bodyLength) : new Uint8Array(0);
    if (body.length < header.bodyLength) throw errors.truncated(src.name, bodyOffset, 'a message body');
    return { kind: 'message', message: header.message, body, offset: header.offset };
  }

  /** The next message's header; its body is the next `bodyLength` bytes of the source. */
  async nextHeader(): Promise<FramedHeader> {
    if (this.pending) {
      const header = this.pending;
      this.pending = null;
      return header;
    }
    const src = this.source;
    const offset = src.position;
    let prefix = await src.read(4);
    if (prefix.length === 0) return { kind: 'end-of-input', offset };
    if (prefix.length < 4) throw errors.truncated(src.name, offset, 'a message length prefix');
    if (prefix[0] === 0x41 && prefix[1] === 0x52) {
      // "AR..." can only be the file-format magic ("ARROW1" + 2 padding bytes).
      const rest = await src.read(4);
      const magic = new Uint8Array(8);
      magic.set(prefix);
      magic.set(rest, 4);
      if (!isMagic(magic)) throw errors.notArrow(src.name, offset, 'the input does not start with an Arrow message or the ARROW1 magic');
      this.fileFormat = true;
      return this.nextHeader();
    }
    let length = readUint32(prefix);
    if (length === CONTINUATION) {
      prefix = await src.read(4);
      if (prefix.length < 4) throw errors.truncated(src.name, offset, 'a message length prefix');
      length = readUint32(prefix);
    }
    if (length === 0) return { kind: 'end-of-stream', offset };
    if (length > MAX_METADATA_BYTES) {
      throw errors.notArrow(src.name, offset, `implausible message metadata length ${length}`);
    }
    const metadataBytes = await src.read(length);
    if (metadataBytes.length < length) throw errors.truncated(src.name, offset, 'a message header');
    let message: Message;
    try {
      message = Message.decode(metadataBytes);
    } catch (e) {
      throw errors.notArrow(src.name, offset, `unreadable message header (${(e as Error).message})`);
    }
    const headerType = message.headerType;
    if (headerType !== MessageHeader.Schema && headerType !== MessageHeader.RecordBatch && headerType !== MessageHeader.DictionaryBatch) {
      throw errors.notArrow(src.name, offset, `unsupported message type ${String(headerType)}`);
    }
    const bodyLength = Number(message.bodyLength);
    if (!Number.isSafeInteger(bodyLength) || bodyLength < 0) {
      throw errors.badInput(`invalid message body length ${String(message.bodyLength)}`, { file: src.name, byteOffset: offset });
    }
    return { kind: 'message', message, metadata: metadataBytes, bodyLength, offset };
  }

  /** After the end-of-stream marker of an IPC file: skip its footer and trailing magic. */
  async skipFileFooter(): Promise<void> {
    await this.source.drain();
  }
}
