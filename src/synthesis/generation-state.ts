// Per-sentence bookkeeping shared by the incremental decoder and the naive reference loop: the
// forced attention position (§6.2), the stop rule, and the frames and alignment rows kept.
import { PAD_ID } from '../text/vocab.ts';
import { forcedPosition, windowMask } from './monotonic-attention.ts';
import { StopRule, type StopReason } from './stop-rule.ts';

export interface GenerateOptions {
  /** Upper bound on reduced frames per sentence (max_T, docs/design.md §3.7). */
  maxFrames: number;
  /** Mean normalised mel below which a frame counts as silent (stop-rule.ts). */
  silenceThreshold?: number;
}

/** One sentence's generated mel and what the attention did. */
export interface GeneratedMel {
  /** Normalised reduced mel Y [frames, F] row-major. */
  mel: Float32Array;
  frames: number;
  /** Masked attention A [frames, nPadded] row-major (one row per generated frame). */
  alignment: Float32Array;
  /** Text positions of the padded ids (max_N, §6.1). */
  nPadded: number;
  /** Forced position after each frame [frames]. */
  positions: Int32Array;
  /** N = ids incl. E, without padding; E sits at N − 1. */
  textLength: number;
  stoppedBy: StopReason;
}

/** ids (each incl. E) right-padded with P to nPadded: [B, nPadded] int32 row-major (§1.2 step 7). */
export function padIds(ids: readonly number[][], nPadded: number): Int32Array {
  const out = new Int32Array(ids.length * nPadded).fill(PAD_ID);
  ids.forEach((row, b) => {
    if (row.length > nPadded) throw new Error(`padIds: ${row.length} symbols exceed max_N ${nPadded}`);
    out.set(row, b * nPadded);
  });
  return out;
}

export class GenerationState {
  /** Forced position per item [B]; starts at 0 (§6.2). */
  readonly prev: Int32Array;
  private readonly rules: StopRule[];
  private readonly mels: Float32Array[][];
  private readonly rows: Float32Array[][];
  private readonly positions: number[][];
  private readonly stopped: (StopReason | undefined)[];
  private frame = 0;

  constructor(readonly textLengths: readonly number[], readonly nPadded: number, readonly nMels: number, opts: GenerateOptions) {
    const b = textLengths.length;
    this.prev = new Int32Array(b);
    this.rules = textLengths.map((n) => new StopRule(n - 1, opts.maxFrames, opts.silenceThreshold));
    this.mels = textLengths.map(() => []);
    this.rows = textLengths.map(() => []);
    this.positions = textLengths.map(() => []);
    this.stopped = textLengths.map(() => undefined);
  }

  get batch(): number {
    return this.textLengths.length;
  }

  get done(): boolean {
    return this.stopped.every((s) => s !== undefined);
  }

  /** Score mask for the next frame's query row: [B, nPadded] (0 in the window, −(2³²−1) outside). */
  nextMask(): Float32Array {
    return windowMask(this.prev, this.nPadded);
  }

  /**
   * Take frame `frame` of every item: mel [B, F] and masked attention [B, nPadded] row-major.
   * Items already stopped are computed by the batch but not recorded.
   */
  record(mel: Float32Array, attention: Float32Array): void {
    const { nMels: f, nPadded: n } = this;
    for (let b = 0; b < this.batch; b++) {
      const row = attention.subarray(b * n, (b + 1) * n);
      const pos = forcedPosition(row, this.prev[b], n);
      this.prev[b] = pos;
      if (this.stopped[b] !== undefined) continue;
      const frameMel = mel.slice(b * f, (b + 1) * f);
      this.mels[b].push(frameMel);
      this.rows[b].push(row.slice());
      this.positions[b].push(pos);
      const mean = frameMel.reduce((a, v) => a + v, 0) / f;
      this.stopped[b] = this.rules[b].update(this.frame, pos, mean);
    }
    this.frame++;
  }

  results(): GeneratedMel[] {
    return this.textLengths.map((textLength, b) => {
      const frames = this.mels[b].length;
      const mel = new Float32Array(frames * this.nMels);
      const alignment = new Float32Array(frames * this.nPadded);
      for (let t = 0; t < frames; t++) {
        mel.set(this.mels[b][t], t * this.nMels);
        alignment.set(this.rows[b][t], t * this.nPadded);
      }
      return {
        mel, frames, alignment, nPadded: this.nPadded, positions: Int32Array.from(this.positions[b]),
        textLength, stoppedBy: this.stopped[b] ?? 'max_frames',
      };
    });
  }
}
