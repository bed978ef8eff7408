// Seeded PRNG (mulberry32): same seed, same sequence, on every platform. Never Math.random in generated data.
export class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Splits total into up to `parts` positive integer parts (multiples of unit but the last) with random weights (sum exact). */
  split(total: number, parts: number, unit = 1): number[] {
    const n = Math.max(1, Math.min(parts, Math.floor(total / unit / 2)));
    const w = Array.from({ length: n }, () => 0.2 + this.next());
    const sum = w.reduce((a, b) => a + b, 0);
    const out = w.map((x) => Math.max(unit, Math.floor((total * x) / sum / unit) * unit));
    out[n - 1] = total - out.slice(0, n - 1).reduce((a, b) => a + b, 0);
    return out;
  }
}
