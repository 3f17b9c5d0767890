import { Type, type Data, type FixedSizeList, type RecordBatch, type Schema } from 'apache-arrow';
import { errors, typeName } from '@recdata/core';
import { displayValue, validityOf } from '../columns/values.js';
import { statusFor, WorstRows, type CheckResult } from './result.js';
import { requireCheckColumn, type BatchContext, type FinishContext, type Runner } from './runner.js';
import type { CheckSpec } from './spec.js';

export const DEFAULT_MIN_COSINE = 0.5;
export const DEFAULT_MAX_SHARE_BELOW = 0.05;

/** The list size of a FixedSizeList<float32|float64> column, or exit 65 naming the column and its type. */
export function embeddingDimension(schema: Schema, index: number): number {
  const f = schema.fields[index];
  const t = f.type;
  if (t.typeId === Type.FixedSizeList) {
    const child = (t as FixedSizeList).children[0].type;
    if (child.typeId === Type.Float && (child as unknown as { precision: number }).precision >= 1) return (t as FixedSizeList).listSize;
  }
  throw errors.wrongColumnType(f.name, 'fixed_size_list<float32> or fixed_size_list<float64> (an embedding)', typeName(t));
}

/**
 * modality_alignment: two embeddings of the same item (e.g. image and text) should
 * point the same way. Per row with both vectors present: cosine similarity in
 * float64. Reports the mean, the share below min_cosine (the value held to
 * max_share_below), zero vectors (no direction: cosine undefined, held to
 * max_zero_vectors), vectors with NaN or infinite components, and the worst rows
 * by their key column. Columns whose dimensions differ fail the check outright.
 */
export class ModalityRunner implements Runner {
  private readonly a: number;
  private readonly b: number;
  private readonly key: number;
  private readonly dimA: number;
  private readonly dimB: number;
  private compared = 0;
  private below = 0;
  private sum = 0;
  private zero = 0;
  private nonFinite = 0;
  private nulls = 0;
  private readonly worst: WorstRows;
  private readonly minCosine: number;

  constructor(
    readonly spec: CheckSpec,
    schema: Schema,
    worstLimit: number,
  ) {
    const [ca, cb] = spec.columns!;
    this.a = requireCheckColumn(schema, spec, ca, 'columns');
    this.b = requireCheckColumn(schema, spec, cb, 'columns');
    this.key = spec.key ? requireCheckColumn(schema, spec, spec.key[0], 'key') : -1;
    this.dimA = embeddingDimension(schema, this.a);
    this.dimB = embeddingDimension(schema, this.b);
    this.worst = new WorstRows(worstLimit);
    this.minCosine = spec.minCosine ?? DEFAULT_MIN_COSINE;
  }

  private get mismatch(): string | null {
    const d = this.spec.dimension;
    if (this.dimA !== this.dimB) return `the embeddings have different dimensions: ${this.spec.columns![0]} ${this.dimA}, ${this.spec.columns![1]} ${this.dimB}`;
    if (d !== undefined && this.dimA !== d) return `the embeddings have dimension ${this.dimA}, expected ${d}`;
    return null;
  }

  add(batch: RecordBatch, firstRow: number, ctx: BatchContext): void {
    if (this.mismatch) return;
    const da = batch.data.children[this.a];
    const db = batch.data.children[this.b];
    const keyData = this.key >= 0 ? batch.data.children[this.key] : null;
    const dim = this.dimA;
    const [va, oa] = floats(da, dim);
    const [vb, ob] = floats(db, dim);
    const valA = validityOf(da);
    const valB = validityOf(db);
    for (let i = 0; i < da.length; i++) {
      const ba = da.offset + i;
      const bb = db.offset + i;
      if ((valA !== null && (valA[ba >> 3] & (1 << (ba & 7))) === 0) || (valB !== null && (valB[bb >> 3] & (1 << (bb & 7))) === 0)) {
        this.nulls++;
        continue;
      }
      let dot = 0;
      let na = 0;
      let nb = 0;
      const pa = oa + i * dim;
      const pb = ob + i * dim;
      for (let j = 0; j < dim; j++) {
        const x = va[pa + j];
        const y = vb[pb + j];
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      const row = firstRow + i;
      if (!Number.isFinite(dot) || !Number.isFinite(na) || !Number.isFinite(nb)) {
        this.nonFinite++;
        ctx.flagged?.add(row, this.spec.id, 'an embedding has NaN or infinite components');
        continue;
      }
      if (na === 0 || nb === 0) {
        this.zero++;
        if (this.worst.wants(3)) this.worst.add(row, 3, { key: keyData ? displayValue(keyData, i) : null, cosine: null, problem: 'zero vector' });
        ctx.flagged?.add(row, this.spec.id, `zero vector in ${na === 0 ? this.spec.columns![0] : this.spec.columns![1]}`);
        continue;
      }
      const cos = dot / (Math.sqrt(na) * Math.sqrt(nb));
      this.compared++;
      this.sum += cos;
      if (cos < this.minCosine) {
        this.below++;
        ctx.flagged?.add(row, this.spec.id, `cosine ${cos.toFixed(4)} below ${this.minCosine}`);
      }
      const score = 1 - cos; // 0 (aligned) .. 2 (opposite)
      if (this.worst.wants(score)) this.worst.add(row, score, { key: keyData ? displayValue(keyData, i) : null, cosine: cos });
    }
  }

  finish(_ctx: FinishContext): CheckResult[] {
    const s = this.spec;
    const threshold = s.maxShareBelow ?? DEFAULT_MAX_SHARE_BELOW;
    const maxZero = s.maxZeroVectors ?? 0;
    const mismatch = this.mismatch;
    const share = this.compared > 0 ? this.below / this.compared : null;
    const violated = mismatch !== null || (share !== null && share > threshold) || this.zero > maxZero;
    const column = s.columns!.join(',');
    return [
      {
        id: s.id,
        kind: s.kind,
        column,
        metric: 'share_below_min_cosine',
        value: mismatch ? null : share,
        threshold,
        status: statusFor(violated, s.severity),
        detail: {
          ...(mismatch ? { dimension_mismatch: mismatch } : {}),
          dimensions: [this.dimA, this.dimB],
          min_cosine: this.minCosine,
          compared: this.compared,
          below_min_cosine: this.below,
          mean_cosine: this.compared > 0 ? this.sum / this.compared : null,
          zero_vectors: this.zero,
          max_zero_vectors: maxZero,
          non_finite: this.nonFinite,
          null_rows: this.nulls,
          worst: this.worst.toJSON(),
        },
        severity: s.severity,
      },
    ];
  }
}

/** The float values of a FixedSizeList column and the index of its first row's first value. */
function floats(data: Data, dim: number): [ArrayLike<number>, number] {
  const child = data.children[0];
  const values = child.values as Float32Array | Float64Array;
  // Arrow JS slices a FixedSizeList's child with it; when it did not, start at the parent's offset.
  const start = child.length === data.length * dim ? 0 : data.offset * dim - child.offset;
  return [values, start];
}
