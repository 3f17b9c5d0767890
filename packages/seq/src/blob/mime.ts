/** The mime type of an object: given, else from its first bytes, else from its file name, else octet-stream. */
import path from 'node:path';

const MAGIC: [number[], string][] = [
  [[0xff, 0xd8, 0xff], 'image/jpeg'],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
  [[0x47, 0x49, 0x46, 0x38], 'image/gif'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'application/pdf'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'application/x-npy'],
  [[0x41, 0x52, 0x52, 0x4f, 0x57, 0x31], 'application/vnd.apache.arrow.file'],
  [[0x4f, 0x67, 0x67, 0x53], 'audio/ogg'],
  [[0x66, 0x4c, 0x61, 0x43], 'audio/flac'],
];

const BY_EXTENSION: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp',
  '.txt': 'text/plain', '.json': 'application/json', '.csv': 'text/csv', '.md': 'text/markdown', '.html': 'text/html',
  '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg', '.flac': 'audio/flac', '.mp4': 'video/mp4',
  '.npy': 'application/x-npy', '.arrow': 'application/vnd.apache.arrow.file', '.pdf': 'application/pdf',
};

export function sniffMime(bytes: Uint8Array, name: string | null): string {
  for (const [magic, mime] of MAGIC) if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return mime;
  if (bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF') {
    const kind = String.fromCharCode(...bytes.subarray(8, 12));
    if (kind === 'WEBP') return 'image/webp';
    if (kind === 'WAVE') return 'audio/wav';
  }
  if (name) {
    const m = BY_EXTENSION[path.extname(name).toLowerCase()];
    if (m) return m;
  }
  return 'application/octet-stream';
}
