/** A small seeded PRNG (sfc32) and the draws the generator needs. Same seed, same sequence. */
export class Random {
  #a: number; #b: number; #c: number; #d: number;

  constructor(seed: number, stream = 0) {
    this.#a = 0x9e3779b9 ^ stream;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#a >>>= 0; this.#b >>>= 0; this.#c >>>= 0; this.#d >>>= 0;
    let t = (this.#a + this.#b) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#d = (this.#d + 1) | 0;
    t = (t + this.#d) | 0;
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number { return min + Math.floor(this.next() * (max - min + 1)); }
  chance(p: number): boolean { return this.next() < p; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }

  uuid(): string {
    const h = (n: number) => Math.floor(this.next() * 16 ** n).toString(16).padStart(n, '0');
    return `${h(8)}-${h(4)}-4${h(3)}-${(8 + this.int(0, 3)).toString(16)}${h(3)}-${h(6)}${h(6)}`;
  }

  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += Math.floor(this.next() * 16).toString(16);
    return s.toUpperCase();
  }
}

/** Draws from a fixed set of weighted items in O(log n). */
export class Weighted<T> {
  #items: T[];
  #cumulative: number[];
  constructor(entries: [T, number][]) {
    const kept = entries.filter(([, w]) => w > 0);
    if (!kept.length) throw new Error('no item has a positive weight');
    this.#items = kept.map(([v]) => v);
    let sum = 0;
    this.#cumulative = kept.map(([, w]) => (sum += w));
  }
  draw(rng: Random): T {
    const x = rng.next() * this.#cumulative[this.#cumulative.length - 1]!;
    let lo = 0, hi = this.#cumulative.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.#cumulative[mid]! > x) hi = mid; else lo = mid + 1; }
    return this.#items[lo]!;
  }
}

const DAY = 86_400_000;
export const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
export const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);
