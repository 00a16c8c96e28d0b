// The voice's pitch against frame overlap (issue 16, lever 5): the first 20 teacher clips of a
// folder → |STFT| at the tiny window (400 samples, n_fft 512) with hop 200 (today's features) or
// 100, as they are or smoothed across 9 bins (harmonic ripple removed, as an SSRN that cannot
// resolve it would predict them) → fast Griffin-Lim, 32 iterations → YIN: median F0 and how
// many frames are voiced.
//
//   npx tsx bench/pitch-overlap.ts <folder of teacher WAVs>
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readWav, mixToMono } from '../src/audio/wav.ts';
import { resample } from '../src/audio/resample.ts';
import { stftMagnitude } from '../src/audio/stft.ts';
import { griffinLim } from '../src/audio/griffin-lim.ts';
import { voicedF0, median } from '../src/eval/pitch.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx bench/pitch-overlap.ts <folder of WAVs>');
const files = readdirSync(dir).filter((f) => f.endsWith('.wav')).sort().slice(0, 20).map((f) => join(dir, f));
const clips = await Promise.all(files.map(async (f) => { const w = readWav(f); return resample(mixToMono(w.channels), w.sampleRate, 16000); }));
const bins = 257;
function smooth(mag: Float64Array, frames: number, width: number): Float64Array {
  if (width <= 1) return mag;
  const out = new Float64Array(mag.length); const h = Math.floor(width / 2);
  for (let t = 0; t < frames; t++) for (let k = 0; k < bins; k++) {
    let s = 0, n = 0;
    for (let j = Math.max(0, k - h); j <= Math.min(bins - 1, k + h); j++) { s += mag[t * bins + j]!; n++; }
    out[t * bins + k] = s / n;
  }
  return out;
}
for (const hop of [200, 100]) for (const width of [1, 9]) {
  const f0: number[] = [];
  for (const x of clips) {
    const p = { nFft: 512, hop, winLength: 400 };
    const { mag, frames } = stftMagnitude(x, p);
    const y = griffinLim(smooth(mag, frames, width), frames, p, 32);
    f0.push(...voicedF0(Float32Array.from(y), 16000));
  }
  console.log(`hop ${hop} (frame rate ${16000 / hop} Hz), smoothing ${width} bins: median F0 ${median(f0).toFixed(1)} Hz over ${f0.length} voiced frames`);
}
