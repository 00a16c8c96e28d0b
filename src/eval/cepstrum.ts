// Mean mel-cepstrum of a voice: MFCCs 1…12 (c0, the loudness, dropped) of the non-silent frames,
// averaged. The distance between two such means is a standard, text-independent measure of how
// alike two voices' spectral envelopes (timbre) are; it does not depend on the sentence spoken.
import { stftMagnitude } from '../audio/stft.ts';
import { melFilterbank, applyMel } from '../audio/mel.ts';
import { relativeDb } from './frame-energy.ts';

const SR = 16000;
const N_FFT = 512;
const HOP = 160;
const WIN = 400;
const N_MELS = 40;
const N_CEPS = 13;

/** MFCC 1…12 of every frame within 40 dB of the loudest (16 kHz mono input). */
export function melCepstra(samples: Float32Array): number[][] {
  const { mag, frames } = stftMagnitude(samples, { nFft: N_FFT, hop: HOP, winLength: WIN });
  const fb = melFilterbank(SR, N_FFT, N_MELS, 0, SR / 2);
  const mel = applyMel(mag, frames, fb);
  const logMel = Array.from({ length: frames }, (_, t) =>
    Array.from({ length: N_MELS }, (_, i) => Math.log(Math.max(1e-8, mel[t * N_MELS + i]))),
  );
  const levels = relativeDb(logMel.map((row) => row.reduce((a, b) => a + Math.exp(b), 0)));
  const out: number[][] = [];
  logMel.forEach((row, t) => {
    if (levels[t] < -40) return;
    // DCT-II, orthonormal scaling (the usual MFCC convention).
    const c: number[] = [];
    for (let k = 1; k < N_CEPS; k++) {
      let acc = 0;
      for (let i = 0; i < N_MELS; i++) acc += row[i] * Math.cos((Math.PI * k * (i + 0.5)) / N_MELS);
      c.push(acc * Math.sqrt(2 / N_MELS));
    }
    out.push(c);
  });
  return out;
}

export function meanVector(rows: number[][]): number[] {
  const n = rows.length;
  if (n === 0) return [];
  const out = new Array<number>(rows[0].length).fill(0);
  for (const r of rows) r.forEach((v, i) => (out[i] += v / n));
  return out;
}

export function euclidean(a: number[], b: number[]): number {
  return Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
}
