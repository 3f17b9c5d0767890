// Random schema histories and random records for the property tests: a first
// version with random fields, then evolutions that a backward_transitive registry
// accepts (fields added with or without proto2 defaults, deleted with number and
// name reserved, renamed, promoted, reordered; the enum gains values; the nested
// message gains and renames fields), rendered as .proto text and parsed back.
import { parseProtoSource, modelFromFile, type PlainRecord, type SchemaModel } from '../src/index.js';
import { mulberry32 as prng } from '../../../test/helpers/python.ts';

export { prng };

type Kind =
  | 'int32'
  | 'sint32'
  | 'sfixed32'
  | 'int64'
  | 'sint64'
  | 'sfixed64'
  | 'uint32'
  | 'fixed32'
  | 'uint64'
  | 'fixed64'
  | 'float'
  | 'double'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'Color'
  | 'Sub'
  | 'google.protobuf.Timestamp'
  | 'map<string, int32>'
  | 'map<string, int64>';

const SCALARS: Kind[] = ['int32', 'sint32', 'sfixed32', 'int64', 'sint64', 'sfixed64', 'uint32', 'fixed32', 'uint64', 'fixed64', 'float', 'double', 'bool', 'string', 'bytes'];
const KINDS: Kind[] = [...SCALARS, 'Color', 'Sub', 'google.protobuf.Timestamp', 'map<string, int32>'];

/** Safe promotions by proto type (the reader may pick any wider type of the Arrow class). */
const PROMOTE: Partial<Record<Kind, Kind[]>> = {
  int32: ['int64', 'sint64', 'sfixed64', 'double'],
  sint32: ['int64', 'double'],
  sfixed32: ['sfixed64', 'double'],
  uint32: ['uint64', 'fixed64', 'int64'],
  fixed32: ['fixed64', 'int64'],
  float: ['double'],
  'map<string, int32>': ['map<string, int64>'],
};

export interface FieldSpec {
  number: number;
  name: string;
  kind: Kind;
  repeated: boolean;
  default?: string;
  /** Names it had in earlier versions (a deletion reserves them all). */
  pastNames?: string[];
}

export interface VersionSpec {
  fields: FieldSpec[];
  reservedNumbers: number[];
  reservedNames: string[];
  colors: string[];
  sub: { number: number; name: string; kind: Kind }[];
  subReserved: number[];
}

function defaultFor(kind: Kind, rnd: () => number): string | undefined {
  if (rnd() < 0.5) return undefined;
  switch (kind) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return String(Math.floor(rnd() * 2000) - 1000);
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return rnd() < 0.3 ? '-9223372036854775808' : String(Math.floor(rnd() * 1e6) - 5e5);
    case 'uint32':
    case 'fixed32':
      return rnd() < 0.3 ? '4294967295' : String(Math.floor(rnd() * 1000));
    case 'uint64':
    case 'fixed64':
      return rnd() < 0.3 ? '18446744073709551615' : String(Math.floor(rnd() * 1000));
    case 'float':
      return ['1.5', '-0.25', 'inf', 'nan'][Math.floor(rnd() * 4)];
    case 'double':
      return ['2.5', '-inf', '1e+300', '0.1'][Math.floor(rnd() * 4)];
    case 'bool':
      return rnd() < 0.5 ? 'true' : 'false';
    case 'string':
      return JSON.stringify(['fr', 'é ü', ''][Math.floor(rnd() * 3)]);
    case 'bytes':
      return JSON.stringify('\u0001\u00ff');
    case 'Color':
      return 'GREEN';
    default:
      return undefined;
  }
}

/** A .proto literal for a canonical default. */
function protoDefault(kind: Kind, text: string): string {
  if (kind === 'string') return JSON.stringify(JSON.parse(text));
  if (kind === 'bytes') return '"' + [...(JSON.parse(text) as string)].map((c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`).join('') + '"';
  return text;
}

export function firstVersion(rnd: () => number): VersionSpec {
  const n = 2 + Math.floor(rnd() * 6);
  const fields: FieldSpec[] = [];
  for (let i = 1; i <= n; i++) fields.push(newField(i, `f${i}`, rnd));
  return { fields, reservedNumbers: [], reservedNames: [], colors: ['COLOR_UNSET', 'RED', 'GREEN'], sub: [{ number: 1, name: 'x', kind: 'int32' }, { number: 2, name: 'label', kind: 'string' }], subReserved: [] };
}

function newField(number: number, name: string, rnd: () => number): FieldSpec {
  const kind = KINDS[Math.floor(rnd() * KINDS.length)];
  const repeated = SCALARS.includes(kind) && kind !== 'bytes' && rnd() < 0.2;
  const field: FieldSpec = { number, name, kind, repeated };
  const d = repeated ? undefined : defaultFor(kind, rnd);
  if (d !== undefined) field.default = d;
  return field;
}

export function evolve(prev: VersionSpec, rnd: () => number, version: number): VersionSpec {
  const next: VersionSpec = structuredClone(prev);
  const ops = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < ops; k++) {
    const op = Math.floor(rnd() * 8);
    const pick = () => next.fields[Math.floor(rnd() * next.fields.length)];
    if (op === 0 || next.fields.length < 2) {
      const number = Math.max(0, ...next.fields.map((f) => f.number), ...next.reservedNumbers) + 1;
      next.fields.push(newField(number, `n${number}_v${version}`, rnd));
    } else if (op === 1) {
      const f = pick();
      next.fields = next.fields.filter((x) => x !== f);
      next.reservedNumbers.push(f.number);
      next.reservedNames.push(f.name, ...(f.pastNames ?? []));
    } else if (op === 2) {
      const f = pick();
      if (!next.reservedNames.includes(`${f.name}_r`)) {
        f.pastNames = [...(f.pastNames ?? []), f.name];
        f.name = `${f.name}_r`;
      }
    } else if (op === 3) {
      const f = pick();
      const wider = PROMOTE[f.kind];
      if (wider) f.kind = wider[Math.floor(rnd() * wider.length)];
    } else if (op === 4) {
      for (let i = next.fields.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [next.fields[i], next.fields[j]] = [next.fields[j], next.fields[i]];
      }
    } else if (op === 5) {
      next.colors.push(`C${version}_${next.colors.length}`);
    } else if (op === 6) {
      const number = Math.max(0, ...next.sub.map((f) => f.number), ...next.subReserved) + 1;
      next.sub.push({ number, name: `s${number}`, kind: SCALARS[Math.floor(rnd() * SCALARS.length)] });
    } else {
      const s = next.sub[Math.floor(rnd() * next.sub.length)];
      s.name = `${s.name}_r`;
    }
  }
  return next;
}

export function protoText(spec: VersionSpec): string {
  const lines = ['syntax = "proto2";', 'package prop;', 'import "google/protobuf/timestamp.proto";', '', 'message Rec {'];
  if (spec.reservedNumbers.length) lines.push(`  reserved ${spec.reservedNumbers.join(', ')};`);
  if (spec.reservedNames.length) lines.push(`  reserved ${spec.reservedNames.map((n) => JSON.stringify(n)).join(', ')};`);
  for (const f of spec.fields) {
    const label = f.kind.startsWith('map<') ? '' : f.repeated ? 'repeated ' : 'optional ';
    const def = f.default !== undefined ? ` [default = ${protoDefault(f.kind, f.default)}]` : '';
    lines.push(`  ${label}${f.kind} ${f.name} = ${f.number}${def};`);
  }
  lines.push(`  enum Color { ${spec.colors.map((c, i) => `${c} = ${i};`).join(' ')} }`);
  const subReserved = spec.subReserved.length ? `reserved ${spec.subReserved.join(', ')}; ` : '';
  lines.push(`  message Sub { ${subReserved}${spec.sub.map((f) => `optional ${f.kind} ${f.name} = ${f.number};`).join(' ')} }`);
  lines.push('}', '');
  return lines.join('\n');
}

export function modelOf(spec: VersionSpec, label: string): SchemaModel {
  return modelFromFile(parseProtoSource(protoText(spec), label), 'Rec');
}

function scalarValue(kind: Kind, rnd: () => number): unknown {
  const big = (bits: bigint, signed: boolean) => {
    const r = BigInt(Math.floor(rnd() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(rnd() * 2 ** 32));
    const v = r % 2n ** bits;
    return signed ? BigInt.asIntN(Number(bits), v) : v;
  };
  switch (kind) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return [-(2 ** 31), 2 ** 31 - 1, 0, -1][Math.floor(rnd() * 8)] ?? Math.floor(rnd() * 2 ** 32) - 2 ** 31;
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return big(64n, true);
    case 'uint32':
    case 'fixed32':
      return [0, 2 ** 32 - 1][Math.floor(rnd() * 6)] ?? Math.floor(rnd() * 2 ** 32);
    case 'uint64':
    case 'fixed64':
      return big(64n, false);
    case 'float':
      return [Math.fround(0.1), -0, Infinity, NaN][Math.floor(rnd() * 10)] ?? Math.fround((rnd() - 0.5) * 1e6);
    case 'double':
      return (rnd() - 0.5) * 1e12;
    case 'bool':
      return rnd() < 0.5;
    case 'string':
      return ['', 'a', 'hé', '日本', 'x'.repeat(Math.floor(rnd() * 20))][Math.floor(rnd() * 5)];
    case 'bytes':
      return Uint8Array.from({ length: Math.floor(rnd() * 5) }, () => Math.floor(rnd() * 256));
    default:
      throw new Error(`not a scalar: ${kind}`);
  }
}

/** Random records under a version (null for about one value in five). */
export function randomRecords(spec: VersionSpec, rnd: () => number, rows: number): PlainRecord[] {
  const out: PlainRecord[] = [];
  for (let r = 0; r < rows; r++) {
    const rec: PlainRecord = {};
    for (const f of spec.fields) {
      if (rnd() < 0.2) {
        rec[f.name] = null;
        continue;
      }
      const one = (): unknown => {
        if (f.kind === 'Color') return spec.colors[Math.floor(rnd() * spec.colors.length)];
        if (f.kind === 'Sub') return Object.fromEntries(spec.sub.map((s) => [s.name, rnd() < 0.2 ? null : scalarValue(s.kind, rnd)]));
        if (f.kind === 'google.protobuf.Timestamp') return BigInt(Math.floor(rnd() * 2e15));
        if (f.kind.startsWith('map<')) return Array.from({ length: Math.floor(rnd() * 3) }, (_, i) => [`k${i}`, f.kind === 'map<string, int32>' ? scalarValue('int32', rnd) : scalarValue('int64', rnd)]);
        return scalarValue(f.kind, rnd);
      };
      rec[f.name] = f.repeated ? Array.from({ length: Math.floor(rnd() * 4) }, one) : one();
    }
    out.push(rec);
  }
  return out;
}

/** A default as a plain value of the reader's type. */
function defaultValue(kind: Kind, text: string): unknown {
  switch (kind) {
    case 'int64':
    case 'sint64':
    case 'sfixed64':
    case 'uint64':
    case 'fixed64':
      return BigInt(text);
    case 'float':
    case 'double': {
      const v = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text === 'nan' ? NaN : Number(text);
      return kind === 'float' ? Math.fround(v) : v;
    }
    case 'bool':
      return text === 'true';
    case 'string':
      return JSON.parse(text);
    case 'bytes':
      return Uint8Array.from(JSON.parse(text) as string, (c) => c.charCodeAt(0));
    case 'Color':
      return text;
    default:
      return Number(text);
  }
}

const WIDE_INT: Kind[] = ['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64'];

function promoteValue(from: Kind, to: Kind, v: unknown): unknown {
  if (v === null) return null;
  if (from === to) return v;
  if (WIDE_INT.includes(to) && typeof v === 'number') return BigInt(v);
  if (from.startsWith('map<') && to === 'map<string, int64>') return (v as [string, number][]).map(([k, x]) => [k, BigInt(x)]);
  return v;
}

/**
 * What the records of `writer` are as records of `reader`, written directly: by
 * field number, promoted, defaults (or null) for fields the writer lacks.
 */
export function asReader(writer: VersionSpec, reader: VersionSpec, records: PlainRecord[]): PlainRecord[] {
  return records.map((rec) => {
    const out: PlainRecord = {};
    for (const f of reader.fields) {
      const w = writer.fields.find((x) => x.number === f.number);
      if (!w) {
        out[f.name] = f.default !== undefined ? defaultValue(f.kind, f.default) : null;
        continue;
      }
      let v = rec[w.name] ?? null;
      if (v !== null && f.kind === 'Sub') {
        const sub = v as Record<string, unknown>;
        v = Object.fromEntries(
          reader.sub.map((s) => {
            const ws = writer.sub.find((x) => x.number === s.number);
            return [s.name, ws ? (sub[ws.name] ?? null) : null];
          }),
        );
      } else if (v !== null && f.repeated) {
        v = (v as unknown[]).map((x) => promoteValue(w.kind, f.kind, x));
      } else {
        v = promoteValue(w.kind, f.kind, v);
      }
      out[f.name] = v;
    }
    return out;
  });
}
