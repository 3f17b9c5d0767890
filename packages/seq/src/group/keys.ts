/** Byte-wise comparison of a[aFrom, aTo) and b[bFrom, bTo) (shorter prefix first). */
export function compareBytes(a: Uint8Array, aFrom: number, aTo: number, b: Uint8Array, bFrom: number, bTo: number): number {
  const n = Math.min(aTo - aFrom, bTo - bFrom);
  for (let i = 0; i < n; i++) {
    const d = a[aFrom + i] - b[bFrom + i];
    if (d !== 0) return d;
  }
  return aTo - aFrom - (bTo - bFrom);
}
