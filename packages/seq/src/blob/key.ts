/**
 * Blob keys: the SHA-256 of an object's bytes as 64 lowercase hex characters.
 * A key is checked before it touches a path, so no key (`..`, a slash, anything
 * but 64 hex characters) can name a file outside the store's objects folder.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { errors } from '@recdata/core';

export const OBJECTS_DIR = 'objects';
const KEY = /^[0-9a-f]{64}$/;

/** The key as typed, checked (exit 65), lowercased. */
export function checkKey(text: string): string {
  if (text.includes('..') || text.includes('/') || text.includes('\\')) {
    throw errors.badInput(`blob key ${JSON.stringify(text)} contains "..", "/" or "\\": a key is the object's SHA-256, 64 hex characters`);
  }
  const key = text.toLowerCase();
  if (!KEY.test(key)) throw errors.badInput(`blob key ${JSON.stringify(text)} is not 64 hex characters (the object's SHA-256)`);
  return key;
}

export function keyOf(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** Where an object lives, relative to the store: objects/ab/cd/abcd... (two levels of 256 folders). */
export function objectPath(key: string): string {
  return path.posix.join(OBJECTS_DIR, key.slice(0, 2), key.slice(2, 4), key);
}
