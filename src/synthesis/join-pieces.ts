// The waves of one input's pieces (split-text.ts) joined into one utterance.

/** Silence between the sentences of one input (brief of issue 5). */
export const PAUSE_SECONDS = 0.25;

/** Pieces of one input joined with `pauseSeconds` of silence, peak-normalised to 0.95 (§6.4: 16-bit after normalising). */
export function joinWithPauses(pieces: Float32Array[], sampleRate: number, pauseSeconds: number): Float32Array {
  const pause = Math.round(pauseSeconds * sampleRate);
  const total = pieces.reduce((a, p) => a + p.length, 0) + pause * Math.max(0, pieces.length - 1);
  const out = new Float32Array(total);
  let off = 0;
  pieces.forEach((p, i) => {
    if (i > 0) off += pause;
    out.set(p, off);
    off += p.length;
  });
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  if (peak > 0) for (let i = 0; i < out.length; i++) out[i] *= 0.95 / peak;
  return out;
}
