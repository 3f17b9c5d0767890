// Text ↔ value rules of import/export, checked against independent references:
// Number() for decimals, BigInt for 64-bit integers, Date for the calendar.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Int32, Int64, TimeUnit, Timestamp, Uint64, Utf8 } from 'apache-arrow';
import { RecdataError, typeName } from '@recdata/core';
import { formatDate32, formatFloat32, formatFloat64, formatTimestamp, formatTimestampBig, parseTypeList, parseTypeName } from '@recdata/core/formats';
import { civilFromDays, daysFromCivil } from '../src/formats/calendar.ts';
import { dateTime, floatOk, parseDateTime, parseFloat64, parseSmallInt } from '../src/formats/text-values.ts';
import { formatInt64 } from '../src/formats/value-format.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const parseF = (s: string) => {
  const b = bytes(s);
  const v = parseFloat64(b, 0, b.length);
  return floatOk ? v : undefined;
};

describe('number text', () => {
  it('reads decimals exactly as Number() does (fast path and fallback)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        for (const text of [String(x), x.toFixed(Math.min(20, Math.max(0, 3))), x.toExponential(), x.toPrecision(17)]) {
          assert.ok(Object.is(parseF(text), Number(text)), text);
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^-?[0-9]{1,20}(\.[0-9]{0,20})?$/), (text) => {
        assert.ok(Object.is(parseF(text), Number(text)), text);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads NaN and infinities, and rejects what is not a number', () => {
    assert.ok(Number.isNaN(parseF('NaN')));
    assert.equal(parseF('-inf'), -Infinity);
    assert.equal(parseF('Infinity'), Infinity);
    assert.ok(Object.is(parseF('-0'), -0));
    for (const bad of ['', '-', '.', '1.2.3', '0x10', '1e', ' 1', '1 ', 'abc', '1,5']) assert.equal(parseF(bad), undefined, bad);
  });

  it('writes floats as the shortest text that reads back (float32 through Math.fround)', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        assert.ok(Object.is(Number(formatFloat64(x)), x) || (Number.isNaN(x) && formatFloat64(x) === 'NaN'));
      }),
    );
    fc.assert(
      fc.property(fc.float(), (x) => {
        const text = formatFloat32(x);
        if (Number.isNaN(x)) return assert.equal(text, 'NaN');
        assert.ok(Object.is(Math.fround(Number(text)), x), `${x} → ${text}`);
        // shortest: one digit fewer does not read back
        const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
        if (digits > 1 && Number.isFinite(x)) assert.notEqual(Math.fround(Number(x.toPrecision(digits - 1))), x, text);
      }),
    );
    assert.equal(formatFloat64(-0), '-0');
    assert.equal(formatFloat32(0.1), '0.1');
    assert.equal(formatFloat64(Infinity), 'Infinity');
  });

  it('reads integers of up to 15 digits without BigInt and writes any int64/uint64 exactly', () => {
    const b = bytes('-123456789012345');
    assert.equal(parseSmallInt(b, 0, b.length), -123456789012345);
    const long = bytes('1234567890123456');
    assert.ok(Number.isNaN(parseSmallInt(long, 0, long.length)), 'sixteen digits go to the BigInt path');
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), (v) => {
        const signed = v < 2n ** 63n;
        const halves = new Int32Array(new BigInt64Array([BigInt.asIntN(64, v)]).buffer);
        assert.equal(formatInt64(halves, 0, signed), String(signed ? v : BigInt.asUintN(64, v)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('dates and timestamps', () => {
  it('counts days like Date does, over many millennia', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), (days) => {
        const out = [0, 0, 0];
        civilFromDays(days, out);
        assert.equal(daysFromCivil(out[0], out[1], out[2]), days);
        const d = new Date(days * 86400000);
        assert.deepEqual(out, [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]);
      }),
    );
  });

  it('writes timestamps as ISO 8601 with the unit digits, matching Date for milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
        const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ (±YYYYYY outside 0-9999)
        assert.equal(formatTimestamp(ms, 1000, true), iso);
        assert.equal(formatTimestampBig(BigInt(ms), 1000, true), iso);
      }),
    );
    assert.equal(formatTimestamp(0, 1, false), '1970-01-01T00:00:00');
    assert.equal(formatTimestamp(-1, 1e6, true), '1969-12-31T23:59:59.999999Z');
    assert.equal(formatTimestampBig(1700000000123456789n, 1e9, false), '2023-11-14T22:13:20.123456789');
    assert.equal(formatTimestampBig(-(2n ** 63n), 1, true), '-292277022657-01-27T08:29:52Z');
    assert.equal(formatDate32(-1), '1969-12-31');
    assert.equal(formatDate32(2932896), '9999-12-31');
    assert.equal(formatDate32(2932897), '+010000-01-01');
  });

  it('reads ISO 8601: separators, fractions, offsets; rejects impossible dates', () => {
    const read = (s: string) => {
      const b = bytes(s);
      return parseDateTime(b, 0, b.length) ? { ...dateTime } : null;
    };
    assert.deepEqual(read('2024-02-29'), { days: 19782, seconds: 0, nanos: 0, fractionDigits: 0, hasTime: false, hasOffset: false });
    assert.equal(read('2024-02-29 10:00:00.5+02:00')!.seconds, 8 * 3600);
    assert.equal(read('2024-02-29T10:00:00.5+02:00')!.nanos, 500_000_000);
    assert.equal(read('2024-02-29T10:00Z')!.hasOffset, true);
    assert.equal(read('+012024-01-01')!.days, daysFromCivil(12024, 1, 1));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '2024-01-01T24:00:00', '2024-01-01T10:00:00.', '2024-01-01T10:00:00.1234567891', '2024-01-01X']) {
      assert.equal(read(bad), null, bad);
    }
  });
});

describe('--types names', () => {
  it('reads every name, brackets and all, as the type typeName prints', () => {
    const types = parseTypeList('a:bool,b:uint64,c:timestamp[ms, UTC],d:dict,e:timestamp[ns],f:date32');
    assert.deepEqual(
      [...types].map(([k, t]) => `${k}=${typeName(t)}`),
      ['a=bool', 'b=uint64', 'c=timestamp[ms, UTC]', 'd=dict', 'e=timestamp[ns]', 'f=date32'],
    );
    assert.ok(parseTypeName('int64') instanceof Int64);
    assert.ok(parseTypeName('uint64') instanceof Uint64);
    assert.ok(parseTypeName('int32') instanceof Int32);
    assert.ok(parseTypeName('utf8') instanceof Utf8);
    assert.equal((parseTypeName('timestamp[us]') as Timestamp).unit, TimeUnit.MICROSECOND);
  });

  it('is a usage error (exit 2) for an unknown name, listing the valid ones', () => {
    try {
      parseTypeList('a:integer');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof RecdataError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /--types, got "integer"/);
      assert.match(e.message, /bool, int8, int16, int32, int64, uint8/);
    }
  });
});
