// The SipHash key for --keyed: 128 bits written as 32 hex characters, read from a
// file (--key-file) or the environment (RECDATA_HASH_KEY), never from the command
// line, where it would land in shell history and process listings.
import fs from 'node:fs';
import { errors, openError } from '@recdata/core';

export const KEY_ENV = 'RECDATA_HASH_KEY';

/**
 * The 16 key bytes from 32 hex characters (surrounding whitespace ignored), in
 * byte order: "000102...0f" is the key of SipHash's reference vectors. Exit 2
 * for anything else; the message never repeats the key.
 */
export function parseKey(text: string, source: string): Uint8Array {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw errors.usage(`the key in ${source} must be 32 hex characters (0-9, a-f); it has other characters`);
  if (hex.length !== 32) throw errors.usage(`the key in ${source} must be 32 hex characters (128 bits), got ${hex.length}`);
  const key = new Uint8Array(16);
  for (let i = 0; i < 16; i++) key[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return key;
}

/** The key from --key-file (exit 66 when it cannot be read), else RECDATA_HASH_KEY, else exit 2. */
export function loadKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Uint8Array {
  if (keyFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(keyFile, 'utf8');
    } catch (e) {
      throw openError(keyFile, e);
    }
    return parseKey(text, keyFile);
  }
  const fromEnv = env[KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseKey(fromEnv, KEY_ENV);
  throw errors.usage(`--keyed needs a key: --key-file FILE, or the environment variable ${KEY_ENV} (32 hex characters)`);
}
