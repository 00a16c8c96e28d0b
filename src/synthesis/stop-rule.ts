// When one sentence's generation stops (docs/design.md §6.1, after PT's "stop at E"): the forced attention position has reached the end symbol E (index N − 1) or
// beyond AND the generated frames have fallen silent — the mean normalised mel of at least
// SILENT_FRAMES_TO_STOP consecutive frames is below the threshold. Otherwise max_frames stops it.
// Requiring silence as well as E lets the decoder finish the last phone, which it still speaks
// while attending to E.

/** Consecutive quiet frames needed after reaching E. */
export const SILENT_FRAMES_TO_STOP = 2;

/**
 * Default threshold on the mean of one normalised mel frame (§2.2 step 6: v = (dB + 80)/100, so
 * 0.2 ≈ −60 dB; training pads clips with 0, which the decoder learns as silence, §4.1).
 */
export const DEFAULT_SILENCE_THRESHOLD = 0.2;

export type StopReason = 'end' | 'max_frames';

export class StopRule {
  private quietRun = 0;

  /** `endIndex` = N − 1, the position of E in this sentence's ids. */
  constructor(readonly endIndex: number, readonly maxFrames: number, readonly silenceThreshold = DEFAULT_SILENCE_THRESHOLD) {}

  /** Feed frame number `frame` (0-based); returns why generation stops after it, or undefined. */
  update(frame: number, position: number, meanMel: number): StopReason | undefined {
    this.quietRun = meanMel < this.silenceThreshold ? this.quietRun + 1 : 0;
    if (position >= this.endIndex && this.quietRun >= SILENT_FRAMES_TO_STOP) return 'end';
    if (frame + 1 >= this.maxFrames) return 'max_frames';
    return undefined;
  }
}
