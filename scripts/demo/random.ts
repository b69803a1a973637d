/**
 * A small seeded PRNG (sfc32) with the draws the scenarios need. Seeded output is what makes
 * `--seed` reproduce a dataset, and it is far cheaper than crypto randomness per span.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // Mix the seed in, so nearby seeds give unrelated streams.
    for (let i = 0; i < 15; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Index drawn with probability proportional to its weight. */
  weighted(weights: readonly number[], total = weights.reduce((s, w) => s + w, 0)): number {
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Log-normal around a median: latencies have a long right tail, never a negative one. */
  latency(median: number, spread = 0.5): number {
    return median * Math.exp(spread * this.gaussian());
  }

  private gaussian(): number {
    // Box–Muller; 1 - next() keeps log away from zero.
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  /** Short opaque lowercase hex, e.g. for `usr_4f2a`. */
  hex(digits: number): string {
    let out = "";
    while (out.length < digits) out += this.uint32().toString(16).padStart(8, "0");
    return out.slice(0, digits);
  }
}
