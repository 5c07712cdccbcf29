/**
 * The generator's randomness and calendar. A small seeded PRNG (sfc32, seeded through a 32-bit
 * mix of seed and stream number), weighted draws, and dates as whole day numbers (days since
 * 1970-01-01) so that date arithmetic is integer addition and printing is a table lookup.
 * Same seed and stream, same sequence: nothing here reads the clock.
 */

/** Murmur3's finaliser: spreads every input bit over the whole word. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (n: number) => HEX[n >>> 24]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;

export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** One independent sequence per (seed, stream): the generator uses one stream per person. */
  constructor(seed: number, stream = 0) {
    const s = mix32((seed >>> 0) ^ 0x9e3779b9);
    const t = mix32(((stream >>> 0) + 0x6a09e667) >>> 0);
    this.#a = mix32(s ^ 0x243f6a88);
    this.#b = mix32(t ^ 0xb7e15162);
    this.#c = mix32((s + t + 0x3c6ef372) >>> 0);
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer (sfc32). */
  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  /** Roughly bell-shaped in [min, max] (mean of three uniforms). */
  bell(min: number, max: number): number {
    return min + ((this.next() + this.next() + this.next()) / 3) * (max - min);
  }

  /** A UUID of version 4 shape, from this sequence (never from the database). */
  uuid(): string {
    const a = this.u32(),
      b = ((this.u32() & 0xffff0fff) | 0x4000) >>> 0,
      c = ((this.u32() & 0x3fffffff) | 0x80000000) >>> 0,
      d = this.u32();
    const bs = hex8(b),
      cs = hex8(c);
    return `${hex8(a)}-${bs.slice(0, 4)}-${bs.slice(4)}-${cs.slice(0, 4)}-${cs.slice(4)}${hex8(d)}`;
  }

  /** Upper-case hexadecimal digits. */
  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += hex8(this.u32());
    return s.slice(0, chars).toUpperCase();
  }
}

/** Draws from a fixed set of weighted items in O(log n). */
export class Weighted<T> {
  readonly items: readonly T[];
  readonly #cumulative: number[];
  constructor(entries: readonly (readonly [T, number])[]) {
    const kept = entries.filter(([, w]) => w > 0);
    if (!kept.length) throw new Error('no item has a positive weight');
    this.items = kept.map(([v]) => v);
    let sum = 0;
    this.#cumulative = kept.map(([, w]) => (sum += w));
  }
  get total(): number {
    return this.#cumulative[this.#cumulative.length - 1]!;
  }
  draw(rng: Random): T {
    const x = rng.next() * this.total;
    let lo = 0,
      hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
  /** Share of the items that satisfy `keep`, by weight. */
  share(keep: (item: T) => boolean): number {
    let s = 0,
      prev = 0;
    this.#cumulative.forEach((c, i) => {
      if (keep(this.items[i]!)) s += c - prev;
      prev = c;
    });
    return s / this.total;
  }
}

// ---- Calendar: day numbers --------------------------------------------------------------------

const DAY_MS = 86_400_000;
/** Day number of an ISO date 'YYYY-MM-DD'. */
export const day = (isoDate: string): number => Math.round(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);

// Printed forms are looked up: the generator prints millions of dates.
const FIRST = day('1940-01-01');
const LAST = day('2040-12-31');
const ISO: string[] = [];
const MIDNIGHT: string[] = [];
for (let d = FIRST; d <= LAST; d++) {
  const s = new Date(d * DAY_MS).toISOString().slice(0, 10);
  ISO.push(s);
  MIDNIGHT.push(`${s}T00:00:00Z`);
}
const slot = (d: number) => {
  if (!(d >= FIRST && d <= LAST) || !Number.isInteger(d)) throw new Error(`day ${d} lies outside the generator's calendar`);
  return d - FIRST;
};
/** 'YYYY-MM-DD' of a day number. */
export const iso = (d: number): string => ISO[slot(d)]!;
/** 'YYYY-MM-DDT00:00:00Z': the valid_from of an event on that day. */
export const midnight = (d: number): string => MIDNIGHT[slot(d)]!;
/** ISO weekday: 1 = Monday … 7 = Sunday (day 0, 1970-01-01, was a Thursday). */
export const weekday = (d: number): number => ((((d + 3) % 7) + 7) % 7) + 1;
/** The first working day (Monday–Friday) on or after d. */
export const workday = (d: number): number => {
  const w = weekday(d);
  return w === 6 ? d + 2 : w === 7 ? d + 1 : d;
};

/** UTC offset of Belgian local time on that day, in hours (CEST from the last Sunday of March to the last Sunday of October). */
function brusselsOffset(d: number): number {
  const year = iso(d).slice(0, 4);
  const lastSunday = (month: string) => {
    const end = day(`${year}-${month}-31`);
    return end - (weekday(end) % 7);
  };
  return d >= lastSunday('03') && d < lastSunday('10') ? 2 : 1;
}
/** Timestamp (ISO, UTC) of a Belgian wall-clock time on that day. */
export function localTime(d: number, hour: number, minute = 0): string {
  const utc = d * DAY_MS + ((hour - brusselsOffset(d)) * 60 + minute) * 60_000;
  return new Date(utc).toISOString().replace('.000Z', 'Z');
}
