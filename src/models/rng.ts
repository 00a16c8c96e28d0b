// Seeded pseudo-random numbers whose whole state is one 32-bit integer (mulberry32), so it can be
// checkpointed and restored exactly: batching order, dropout masks and weight init all come from
// instances of this class, never from Math.random or TensorFlow.js's global random state.
export class Rng {
  constructor(private s: number) {
    this.s = s >>> 0;
  }

  /** The full state; `new Rng(r.state)` continues the same sequence. */
  get state(): number {
    return this.s;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (mulberry32, public-domain constants). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /**
   * Inverted-dropout mask: each element 0 with probability p, else 1/(1−p). Same stream as next()
   * (mulberry32 inlined for speed on large masks).
   */
  dropoutMask(n: number, p: number): Float32Array {
    const out = new Float32Array(n);
    const keep = 1 / (1 - p);
    let s = this.s;
    for (let i = 0; i < n; i++) {
      let t = (s = (s + 0x6d2b79f5) >>> 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 >= p ? keep : 0;
    }
    this.s = s;
    return out;
  }

  /**
   * Reserves the next n draws: returns the state they start from and moves past them, O(1) (each
   * draw adds 0x6d2b79f5 to the state). A native twin of dropoutMask starts from that state.
   */
  skip(n: number): number {
    const start = this.s;
    this.s = (this.s + Math.imul(n, 0x6d2b79f5)) >>> 0;
    return start;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Normal(0, σ) re-drawn until |x| ≤ 2σ (TF's truncated_normal). */
  truncatedNormal(sigma: number): number {
    for (;;) {
      const z = this.normal();
      if (Math.abs(z) <= 2) return z * sigma;
    }
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  /** A child generator seeded from this one (advances this one by one draw). */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }
}
