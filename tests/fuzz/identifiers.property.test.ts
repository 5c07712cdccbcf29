/**
 * Property tests of the INSZ and KBO parsers (server/platform/identifiers/) against an oracle
 * written here, independently, from research/domain-rules.md §1–2: BigInt arithmetic and the
 * calendar of `Date`, not the parser's own helpers. A fixed seed keeps a failure reproducible.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatInsz, makeInsz, maskInsz, normaliseInsz, parseInsz, redactInsz } from '../../server/platform/identifiers/insz.ts';
import { formatKbo, makeKbo, normaliseKbo, parseEnterpriseNumber, parseEstablishmentNumber, parseKbo } from '../../server/platform/identifiers/kbo.ts';

const SEED = 1917;
const RUNS = 3000;
const today = new Date('2026-11-24T00:00:00Z');
const options = { seed: SEED, numRuns: RUNS };

/** The oracle of domain-rules §1.2–1.5 (the parser's default: the union of the implementations). */
function oracleInsz(raw: string): { ok: boolean; birthDate?: string | null; kind?: 'nationalRegister' | 'bis' } {
  const v = raw.replace(/[.\-\s]/g, '');
  if (v.length !== 11 || [...v].some((c) => c < '0' || c > '9')) return { ok: false };
  const nine = BigInt(v.slice(0, 9));
  const cc = BigInt(v.slice(9));
  // §1.2: born before 2000 → 97 − (base9 mod 97); from 2000 → the same with "2" in front.
  const century = 97n - (nine % 97n) === cc ? 1900 : 97n - ((2_000_000_000n + nine) % 97n) === cc ? 2000 : null;
  if (century === null) return { ok: false };
  const rawMonth = Number(v.slice(2, 4));
  const day = Number(v.slice(4, 6));
  // §1.3: register months 0–12, bis months 20–32 (gender unknown) and 40–52 (gender known).
  let month: number;
  let kind: 'nationalRegister' | 'bis';
  if (rawMonth <= 12) [month, kind] = [rawMonth, 'nationalRegister'];
  else if (rawMonth >= 20 && rawMonth <= 32) [month, kind] = [rawMonth - 20, 'bis'];
  else if (rawMonth >= 40 && rawMonth <= 52) [month, kind] = [rawMonth - 40, 'bis'];
  else return { ok: false };
  const year = century + Number(v.slice(0, 2));
  // §1.4: month 0 or day 0 = unknown; a day above 31 = "day unknown"; otherwise the date must exist.
  let birthDate: string | null = null;
  if (month > 0 && day >= 1 && day <= 31) {
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCMonth() !== month - 1) return { ok: false };
    birthDate = d.toISOString().slice(0, 10);
    if (d.getTime() > today.getTime()) return { ok: false }; // §1.5: never in the future
  } else if (year > today.getUTCFullYear()) return { ok: false };
  return { ok: true, birthDate, kind };
}

/** The oracle of domain-rules §2: 10 digits, first 0–8, last two = 97 − (first eight mod 97). */
function oracleKboDigits(v: string): { ok: boolean; kind?: 'enterprise' | 'establishment' } {
  if (!/^[0-9]{10}$/.test(v)) return { ok: false };
  if (v[0] === '9') return { ok: false };
  if (97n - (BigInt(v.slice(0, 8)) % 97n) !== BigInt(v.slice(8))) return { ok: false };
  return { ok: true, kind: v[0] === '0' || v[0] === '1' ? 'enterprise' : 'establishment' };
}

const digits = (n: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''));
/** Nine digits with the right check digits for one century or the other: exercises the month and day rules. */
const checked = fc
  .tuple(digits(9), fc.boolean())
  .map(([nine, y2k]) => nine + String(97n - ((BigInt(nine) + (y2k ? 2_000_000_000n : 0n)) % 97n)).padStart(2, '0'));
/** Months and days near every edge (bis offsets, 29–32, 00). */
const edgy = fc
  .tuple(digits(2), fc.integer({ min: 0, max: 99 }), fc.constantFrom(0, 1, 28, 29, 30, 31, 32, 35, 99), digits(3), fc.boolean())
  .map(([yy, mm, dd, sss, y2k]) => {
    const nine = `${yy}${String(mm).padStart(2, '0')}${String(dd).padStart(2, '0')}${sss}`;
    return nine + String(97n - ((BigInt(nine) + (y2k ? 2_000_000_000n : 0n)) % 97n)).padStart(2, '0');
  });
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 5000 }));

describe('INSZ parser (property)', () => {
  test('never throws, on any text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const r = parseInsz(s, { today });
        assert.equal(typeof r.ok, 'boolean');
        maskInsz(s);
        redactInsz(s);
      }),
      options,
    );
  });

  test('accepts exactly what the check-digit, month, day and date rules accept', () => {
    fc.assert(
      fc.property(fc.oneof(digits(11), checked, edgy), (v) => {
        const expected = oracleInsz(v);
        const r = parseInsz(v, { today });
        assert.equal(r.ok, expected.ok, `${v}: parser ${JSON.stringify(r)}, oracle ${JSON.stringify(expected)}`);
        if (r.ok) {
          assert.equal(r.insz.birthDate, expected.birthDate, v);
          assert.equal(r.insz.kind, expected.kind, v);
          assert.equal(r.insz.value, v);
        }
      }),
      options,
    );
  });

  test('the displayed and the plain form parse alike; normalising is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(checked, edgy), anyText, (v, s) => {
        assert.equal(normaliseInsz(normaliseInsz(s)), normaliseInsz(s));
        const plain = parseInsz(v, { today });
        const shown = parseInsz(formatInsz(v), { today });
        assert.deepEqual(shown, plain);
        if (plain.ok) assert.equal(maskInsz(formatInsz(v)), maskInsz(v));
      }),
      options,
    );
  });

  test('makeInsz round-trips: any date 1900 to today, any serial, both bis variants', () => {
    const day0 = Date.UTC(1900, 0, 1);
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: Math.floor((today.getTime() - day0) / 86_400_000) }), { nil: null }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom('nationalRegister' as const, 'bis' as const),
        fc.boolean(),
        (dayNumber, serial, kind, genderKnown) => {
          const birthDate = dayNumber === null ? null : new Date(day0 + dayNumber * 86_400_000).toISOString().slice(0, 10);
          const v = makeInsz({ birthDate, serial, kind, genderKnown });
          const r = parseInsz(v, { today });
          assert.ok(r.ok, `${v} from ${birthDate}`);
          assert.ok(oracleInsz(v).ok);
          assert.equal(r.insz.kind, kind);
          if (birthDate) assert.equal(r.insz.birthDate, birthDate);
          assert.equal(r.insz.gender, kind === 'bis' && !genderKnown ? null : serial % 2 ? 'M' : 'F');
        },
      ),
      options,
    );
  });

  test('masking leaves no 11-digit run in any text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(checked, fc.string({ maxLength: 8 }), fc.constantFrom(' ', '.', '-', 'x')), { maxLength: 8 }), (parts) => {
        const out = redactInsz(parts.join(''));
        assert.doesNotMatch(out, /(?<!\d)\d{11}(?!\d)/);
      }),
      options,
    );
  });
});

describe('KBO parser (property)', () => {
  const kboChecked = digits(8).map((b) => b + String(97n - (BigInt(b) % 97n)).padStart(2, '0'));

  test('never throws, on any text', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        for (const f of [parseKbo, parseEnterpriseNumber, parseEstablishmentNumber]) assert.equal(typeof f(s).ok, 'boolean');
      }),
      options,
    );
  });

  test('accepts exactly the 10-digit numbers with a good check whose first digit is 0–8, of the right kind', () => {
    fc.assert(
      fc.property(fc.oneof(digits(10), kboChecked), (v) => {
        const expected = oracleKboDigits(v);
        const r = parseKbo(v);
        assert.equal(r.ok, expected.ok, v);
        if (r.ok) assert.equal(r.kind, expected.kind, v);
        assert.equal(parseEnterpriseNumber(v).ok, expected.ok && expected.kind === 'enterprise', v);
        assert.equal(parseEstablishmentNumber(v).ok, expected.ok && expected.kind === 'establishment', v);
      }),
      options,
    );
  });

  test('the written forms (BE prefix, dots, spaces, old 9-digit numbers) parse to the same number; normalising a valid input is idempotent', () => {
    fc.assert(
      fc.property(kboChecked, fc.constantFrom('', 'BE', 'be ', 'BE '), (v, prefix) => {
        const r = parseKbo(v);
        for (const form of [formatKbo(v), `${prefix}${v}`, `${prefix}${formatKbo(v)}`, v.replace(/^0/, '(0)')]) {
          assert.deepEqual(parseKbo(form), r, form);
          assert.equal(normaliseKbo(normaliseKbo(form)), normaliseKbo(form), form);
        }
        if (v[0] === '0') assert.deepEqual(parseKbo(v.slice(1)), r, 'a 9-digit number is the 0-prefixed one');
      }),
      options,
    );
    fc.assert(
      fc.property(anyText, (s) => {
        if (parseKbo(s).ok) assert.equal(normaliseKbo(normaliseKbo(s)), normaliseKbo(s), JSON.stringify(s));
      }),
      options,
    );
  });

  test('makeKbo round-trips for every base of either kind, and refuses a base of the other kind', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 89_999_999 }), (base) => {
        const first = String(base).padStart(8, '0')[0]!;
        const kind = first === '0' || first === '1' ? ('enterprise' as const) : ('establishment' as const);
        const v = makeKbo(base, kind);
        const r = parseKbo(v);
        assert.ok(r.ok && r.value === v && r.kind === kind, v);
        assert.ok(oracleKboDigits(v).ok);
        assert.throws(() => makeKbo(base, kind === 'enterprise' ? 'establishment' : 'enterprise'));
      }),
      options,
    );
  });
});
