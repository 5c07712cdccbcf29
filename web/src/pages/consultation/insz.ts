/**
 * The INSZ as the screen needs it: checked before it is sent (11 digits, check digits of either
 * century, research/domain-rules §1.2) and the birth date it encodes, shown in the client's
 * header when the answer carries no personalia. The server checks again and has the last word.
 */
export const normaliseInsz = (input: string) => input.replace(/[.\-\s]/g, '');

export type InszProblem = 'empty' | 'format' | 'checksum';

export function checkInsz(input: string): InszProblem | null {
  const value = normaliseInsz(input);
  if (!value) return 'empty';
  if (!/^\d{11}$/.test(value)) return 'format';
  return centuryOf(value) === null ? 'checksum' : null;
}

function centuryOf(value: string): 1900 | 2000 | null {
  const base9 = Number(value.slice(0, 9));
  const check = Number(value.slice(9));
  if (97 - (base9 % 97) === check) return 1900;
  if (97 - ((2_000_000_000 + base9) % 97) === check) return 2000;
  return null;
}

/** The birth date (YYYY-MM-DD) an INSZ encodes, or null when it encodes none (month or day unknown). */
export function birthDateOf(input: string): string | null {
  const value = normaliseInsz(input);
  const century = /^\d{11}$/.test(value) ? centuryOf(value) : null;
  if (century === null) return null;
  let month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  if (month >= 40) month -= 40;
  else if (month >= 20) month -= 20; // bis numbers (§1.3)
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${century + Number(value.slice(0, 2))}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
