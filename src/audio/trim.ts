// librosa.effects.trim (docs/design.md §2.2 step 2): frame 2048, hop 512, zero-padded centred frames,
// mean-square energy in dB relative to the loudest frame; frames above −top_db are non-silent.

export interface TrimOptions {
  topDb?: number;
  frameLength?: number;
  hop?: number;
}

/** [start, end) of the non-silent part; the whole signal when no frame is non-silent. */
export function trimBounds(x: ArrayLike<number>, opts: TrimOptions = {}): { start: number; end: number } {
  const topDb = opts.topDb ?? 60;
  const frameLength = opts.frameLength ?? 2048;
  const hop = opts.hop ?? 512;
  const n = x.length;
  if (n === 0) return { start: 0, end: 0 };
  const frames = 1 + Math.floor(n / hop);
  const half = Math.floor(frameLength / 2);
  const energy = new Float64Array(frames);
  let maxEnergy = 0;
  for (let j = 0; j < frames; j++) {
    let acc = 0;
    const from = Math.max(0, j * hop - half);
    const to = Math.min(n, j * hop - half + frameLength);
    for (let i = from; i < to; i++) acc += x[i] * x[i];
    energy[j] = acc / frameLength;
    if (energy[j] > maxEnergy) maxEnergy = energy[j];
  }
  const amin = 1e-10; // librosa power_to_db floor
  const refDb = 10 * Math.log10(Math.max(amin, maxEnergy));
  let first = -1;
  let last = -1;
  for (let j = 0; j < frames; j++) {
    if (10 * Math.log10(Math.max(amin, energy[j])) - refDb > -topDb) {
      if (first < 0) first = j;
      last = j;
    }
  }
  if (first < 0) return { start: 0, end: n };
  return { start: first * hop, end: Math.min(n, (last + 1) * hop) };
}

/** The non-silent part of x (a view, not a copy). */
export function trimSilence(x: Float32Array, opts: TrimOptions = {}): Float32Array {
  const { start, end } = trimBounds(x, opts);
  return x.subarray(start, end);
}
