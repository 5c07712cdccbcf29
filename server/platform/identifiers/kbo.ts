/**
 * KBO numbers: enterprise numbers (first digit 0 or 1) and establishment unit numbers (2–8),
 * both with a mod 97 check. research/domain-rules.md §2.
 */
export type KboKind = 'enterprise' | 'establishment';
export type KboResult = { ok: true; value: string; kind: KboKind } | { ok: false; reason: 'format' | 'checksum' | 'firstDigit'; message: string };

export function normaliseKbo(input: string): string {
  let v = input
    .trim()
    .toUpperCase()
    .replace(/^BE/, '')
    .replace(/\(0\)/g, '0')
    .replace(/[\s.\-/]/g, '');
  if (/^\d{9}$/.test(v)) v = `0${v}`; // old 9-digit numbers (former VAT numbers)
  return v;
}

/**
 * KBO numbers of MAGDA's test data that fail the check (the GeefDossierKBI-01.00 examples):
 * accepted only where test INSZ are (`KBI_ACCEPT_TEST_INSZ`), as enterprise numbers.
 */
export const MAGDA_TEST_KBO: ReadonlySet<string> = new Set(['0000000000', '0123456789']);

export function parseKbo(input: string, options: { allowTestNumbers?: boolean } = {}): KboResult {
  const value = normaliseKbo(input);
  if (!/^\d{10}$/.test(value)) return { ok: false, reason: 'format', message: 'must be 10 digits' };
  if (options.allowTestNumbers && MAGDA_TEST_KBO.has(value)) return { ok: true, value, kind: 'enterprise' };
  if (value[0] === '9') return { ok: false, reason: 'firstDigit', message: 'must start with 0 or 1 (enterprise) or 2–8 (establishment unit)' };
  if (97 - (Number(value.slice(0, 8)) % 97) !== Number(value.slice(8))) return { ok: false, reason: 'checksum', message: 'check digits do not match' };
  return { ok: true, value, kind: value[0] === '0' || value[0] === '1' ? 'enterprise' : 'establishment' };
}

export function parseEnterpriseNumber(input: string, options: { allowTestNumbers?: boolean } = {}): KboResult {
  const r = parseKbo(input, options);
  return r.ok && r.kind !== 'enterprise' ? { ok: false, reason: 'firstDigit', message: 'an enterprise number starts with 0 or 1' } : r;
}

export function parseEstablishmentNumber(input: string): KboResult {
  const r = parseKbo(input);
  return r.ok && r.kind !== 'establishment' ? { ok: false, reason: 'firstDigit', message: 'an establishment unit number starts with 2–8' } : r;
}

export const isValidKbo = (input: string) => parseKbo(input).ok;

export function formatKbo(value: string): string {
  const v = normaliseKbo(value);
  return v[0] === '0' || v[0] === '1' ? `${v.slice(0, 4)}.${v.slice(4, 7)}.${v.slice(7)}` : `${v[0]}.${v.slice(1, 4)}.${v.slice(4, 7)}.${v.slice(7)}`;
}

export function makeKbo(base8: number, kind: KboKind): string {
  const b = String(base8).padStart(8, '0');
  if (b.length !== 8) throw new Error('base must have at most 8 digits');
  const ok = kind === 'enterprise' ? b[0] === '0' || b[0] === '1' : b[0]! >= '2' && b[0]! <= '8';
  if (!ok) throw new Error(`${b} cannot start a${kind === 'enterprise' ? 'n enterprise' : 'n establishment unit'} number`);
  return b + String(97 - (Number(b) % 97)).padStart(2, '0');
}
