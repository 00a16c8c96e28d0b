// Mean-square energy of consecutive frames, and each frame's level in dB below the loudest:
// the loudness profile the evaluation measures (pitch voicing, silence share) are built on.

export function frameEnergies(samples: Float32Array, frame: number, hop: number): number[] {
  const out: number[] = [];
  for (let start = 0; start + frame <= samples.length; start += hop) {
    let e = 0;
    for (let i = 0; i < frame; i++) e += samples[start + i] ** 2;
    out.push(e / frame);
  }
  return out;
}

/** dB of each energy relative to the largest (0 for the loudest, negative below). */
export function relativeDb(energies: number[]): number[] {
  let loudest = 1e-12;
  for (const e of energies) if (e > loudest) loudest = e;
  return energies.map((e) => 10 * Math.log10(e / loudest + 1e-12));
}
