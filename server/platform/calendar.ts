/**
 * The one calendar of KBI: every deadline (a referral's answer, a registration term, the rules of
 * the decree) is computed here, so they cannot disagree about a holiday.
 *
 * Working days in Belgium (domain-rules §6): Monday to Friday, except the ten legal public
 * holidays (wettelijke feestdagen). Community and regional holidays (11 July, 27 September,
 * 15 November) and an employee's replacement day (vervangingsdag) do not move an administrative
 * deadline, so they do not count here. Dates are plain 'YYYY-MM-DD' days, computed in UTC so that
 * no time zone or daylight-saving change can shift them.
 */

/** Easter Sunday of `year` (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19,
    b = Math.floor(year / 100),
    c = year % 100,
    d = Math.floor(b / 4),
    e = b % 4;
  const f = Math.floor((b + 8) / 25),
    g = Math.floor((b - f + 1) / 3),
    h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4),
    k = c % 4,
    l = (32 + 2 * e + 2 * i - h - k) % 7,
    m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31),
    day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
const toDay = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (day: string, n: number): string => {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return toDay(d);
};

const cache = new Map<number, Set<string>>();

/** The ten legal public holidays of `year`. */
export function legalHolidays(year: number): Set<string> {
  let days = cache.get(year);
  if (!days) {
    const easter = easterSunday(year);
    days = new Set([
      `${year}-01-01`,
      addDays(easter, 1),
      `${year}-05-01`,
      addDays(easter, 39),
      addDays(easter, 50),
      `${year}-07-21`,
      `${year}-08-15`,
      `${year}-11-01`,
      `${year}-11-11`,
      `${year}-12-25`,
    ]);
    cache.set(year, days);
  }
  return days;
}

export function isWorkingDay(day: string): boolean {
  const weekday = toDate(day).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !legalHolidays(Number(day.slice(0, 4))).has(day);
}

/**
 * The day `n` working days after `day` (the day itself not counted, as in Ger.W. art. 53: "de dag
 * van de akte die het uitgangspunt is van een termijn, wordt er niet in begrepen").
 */
export function addWorkingDays(day: string, n: number): string {
  let current = day;
  for (let left = n; left > 0;) {
    current = addDays(current, 1);
    if (isWorkingDay(current)) left--;
  }
  return current;
}

/** `day` itself when it is a working day, else the first working day after it. */
export function nextWorkingDayFrom(day: string): string {
  let current = day;
  while (!isWorkingDay(current)) current = addDays(current, 1);
  return current;
}

/**
 * The same day of the month `n` months later; the month's last day when that month is shorter
 * (31 January + 1 month = 28 or 29 February).
 */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const month = m - 1 + n;
  const year = y + Math.floor(month / 12);
  const inYear = ((month % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, inYear + 1, 0)).getUTCDate();
  return `${year}-${String(inYear + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** A term: in calendar days, working days or months. */
export type Term = { days: number } | { workingDays: number } | { months: number };

/**
 * The last day (vervaldag) of a term that starts with the act of `day` (Ger.W. art. 52–54,
 * domain-rules §6.2): the day of the act is not counted; a term in months runs to the same day
 * number that many months later; a last day that falls on a Saturday, Sunday or legal holiday moves
 * to the next working day. A term in working days ends on a working day by itself.
 */
export function termEnd(day: string, term: Term): string {
  if ('workingDays' in term) return addWorkingDays(day, term.workingDays);
  return nextWorkingDayFrom('months' in term ? addMonths(day, term.months) : addDays(day, term.days));
}

/**
 * The day a term starts that runs from a registered letter (Ger.W. art. 53bis): the third working
 * day after the letter was handed to the post, Saturdays counting as no working day.
 */
export function registeredLetterServed(posted: string): string {
  return addWorkingDays(posted, 3);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / 86_400_000);
}
