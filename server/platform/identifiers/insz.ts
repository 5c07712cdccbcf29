/**
 * INSZ: the identification number of social security — a national register number (RRN) or,
 * for persons not in the national register, a bis number issued by the KSZ.
 * Rules and test vectors: research/domain-rules.md §1.
 */
export type InszKind = 'nationalRegister' | 'bis';
export interface Insz {
  value: string;
  kind: InszKind;
  birthDate: string | null;
  birthYear: number | null;
  gender: 'M' | 'F' | null;
  testNumber: boolean;
}
export type InszInvalidReason = 'format' | 'checksum' | 'month' | 'day' | 'serial' | 'future';
export type InszResult = { ok: true; insz: Insz } | { ok: false; reason: InszInvalidReason; message: string };
export interface InszOptions {
  allowTestNumbers?: boolean;
  today?: Date;
  /** Also refuse what only some implementations refuse: counter 000/999 in a register number (belgif). */
  strict?: boolean;
}

const fail = (reason: InszInvalidReason, message: string): InszResult => ({ ok: false, reason, message });

export function normaliseInsz(input: string): string {
  return input.replace(/[.\-\s]/g, '');
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

export function parseInsz(input: string, options: InszOptions = {}): InszResult {
  const value = normaliseInsz(input);
  if (!/^\d{11}$/.test(value)) return fail('format', 'must be 11 digits');
  const base9 = Number(value.slice(0, 9));
  const check = Number(value.slice(9));
  // domain-rules §1.2: born before 2000 → 97 - (base9 mod 97); from 2000 → prefix "2" to the nine digits.
  const centuries: number[] = [];
  if (97 - (base9 % 97) === check) centuries.push(1900);
  if (97 - ((2_000_000_000 + base9) % 97) === check) centuries.push(2000);
  if (!centuries.length) return fail('checksum', 'check digits do not match');
  const century = centuries[0]!;

  const yy = Number(value.slice(0, 2));
  let mm = Number(value.slice(2, 4));
  const dd = Number(value.slice(4, 6));
  const serial = Number(value.slice(6, 9));
  let kind: InszKind = 'nationalRegister';
  let genderKnown = true;
  let testNumber = false;
  // domain-rules §1.3: bis month +20 gender unknown at assignment, +40 gender known.
  if (mm >= 20 && mm <= 32) {
    kind = 'bis';
    genderKnown = false;
    mm -= 20;
  } else if (mm >= 40 && mm <= 52) {
    kind = 'bis';
    mm -= 40;
  } else if (mm >= 61 && mm <= 72 && options.allowTestNumbers) {
    testNumber = true;
    mm -= 60;
  } // MAGDA test numbers (§1.6)
  else if (mm > 12) return fail('month', 'the month is not a valid (bis) month');

  // domain-rules §1.5: input accepts the union of the implementations; strict mode adds belgif's
  // refusal of counters 000 and 999 in a register number (bis numbers allow them).
  if (options.strict && kind === 'nationalRegister' && !testNumber && (serial === 0 || serial === 999))
    return fail('serial', 'the serial number 000 or 999 is not used');

  const year = century + yy;
  let birthDate: string | null = null;
  // §1.4: month 00 means "unknown" or "counter exhausted" (any day); a day above 31 means "day unknown"
  // (python-stdnum); a day of 1–31 must exist in that month (no 29 February 1981, no 31 April).
  if (mm > 0 && dd > 0 && dd <= 31) {
    if (dd > daysIn(year, mm)) return fail('day', 'the birth date does not exist');
    birthDate = `${year}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  }
  const today = options.today ?? new Date();
  const todayIso = today.toISOString().slice(0, 10);
  if (birthDate ? birthDate > todayIso : year > today.getUTCFullYear()) return fail('future', 'the birth date lies in the future');

  const gender = genderKnown ? (serial % 2 === 1 ? 'M' : 'F') : null;
  return { ok: true, insz: { value, kind, birthDate, birthYear: year, gender, testNumber } };
}

export function isValidInsz(input: string, options?: InszOptions): boolean {
  return parseInsz(input, options).ok;
}

export function formatInsz(value: string): string {
  const v = normaliseInsz(value);
  return `${v.slice(0, 2)}.${v.slice(2, 4)}.${v.slice(4, 6)}-${v.slice(6, 9)}.${v.slice(9, 11)}`;
}

/** For logs: only the check digits remain. */
export function maskInsz(value: string): string {
  const v = normaliseInsz(value);
  return `**.**.**-***.${v.slice(-2)}`;
}

/** Masks every 11-digit run (plain or in the dotted format) in free text. */
export function redactInsz(text: string): string {
  return text.replace(/\b\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}\b/g, (m) => maskInsz(m)).replace(/(?<!\d)\d{11}(?!\d)/g, (m) => maskInsz(m));
}

/** Builds a valid number with its check digits (for synthetic data). */
export function makeInsz(p: { birthDate: string | null; serial: number; kind?: InszKind; genderKnown?: boolean }): string {
  let yy = 0,
    mm = 0,
    dd = 0,
    century = 1900;
  if (p.birthDate) {
    const [y, m, d] = p.birthDate.split('-').map(Number) as [number, number, number];
    century = y >= 2000 ? 2000 : 1900;
    yy = y % 100;
    mm = m;
    dd = d;
  }
  if (p.kind === 'bis') mm += p.genderKnown === false ? 20 : 40;
  if (!Number.isInteger(p.serial) || p.serial < 0 || p.serial > 999) throw new Error('serial must be 0–999');
  const nine = `${String(yy).padStart(2, '0')}${String(mm).padStart(2, '0')}${String(dd).padStart(2, '0')}${String(p.serial).padStart(3, '0')}`;
  const base = Number(nine) + (century === 2000 ? 2_000_000_000 : 0);
  return nine + String(97 - (base % 97)).padStart(2, '0');
}
