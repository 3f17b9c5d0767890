/**
 * Lanes: the one in-memory form of a column that the seq kernels see. Every
 * fixed-width value (integers of any width, timestamps, dates, booleans, the bit
 * patterns of floats, dictionary codes) is a 64-bit lane; utf8 and binary values
 * are offsets into bytes. `valid` holds one byte per row (1 valid, 0 null), or is
 * null when every row is valid.
 */
export interface IntLane {
  kind: 'int';
  values: BigInt64Array;
  valid: Uint8Array | null;
}

export interface StringLane {
  kind: 'string';
  offsets: Int32Array;
  bytes: Uint8Array;
  valid: Uint8Array | null;
}

export type Lane = IntLane | StringLane;

export function laneLength(lane: Lane): number {
  return lane.kind === 'int' ? lane.values.length : lane.offsets.length - 1;
}

/** The buffers a lane holds, for transfer to and from workers. */
export function laneBuffers(lane: Lane): ArrayBufferLike[] {
  const out: ArrayBufferLike[] = [];
  if (lane.kind === 'int') out.push(lane.values.buffer);
  else out.push(lane.offsets.buffer, lane.bytes.buffer);
  if (lane.valid) out.push(lane.valid.buffer);
  return out;
}
