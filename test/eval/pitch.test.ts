import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { voicedF0, median } from '../../src/eval/pitch.ts';

/** 16-bit mono PCM data of a flite WAV (flite writes a plain 44-byte header). */
function fliteSamples(voice: string, text: string): Float32Array {
  const path = join(mkdtempSync(join(tmpdir(), 'pitch-')), 'x.wav');
  execFileSync('flite', ['-voice', voice, '-t', text, '-o', path]);
  const b = readFileSync(path);
  const out = new Float32Array((b.length - 44) / 2);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(44 + 2 * i) / 32768;
  return out;
}

describe('YIN pitch', () => {
  it('finds the fundamental of a harmonic tone within 1 %', () => {
    const sr = 16000;
    for (const f of [90, 150, 220]) {
      const x = new Float32Array(sr);
      for (let i = 0; i < sr; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * f * i) / sr) + 0.3 * Math.sin((4 * Math.PI * f * i) / sr);
      expect(Math.abs(median(voicedF0(x, sr)) / f - 1)).toBeLessThan(0.01);
    }
  });

  it('reports no voiced frames in silence', () => {
    expect(voicedF0(new Float32Array(16000), 16000)).toEqual([]);
  });

  it('tells the male flite voice from the female one', () => {
    const text = 'Please bring the blue cups to the kitchen table.';
    const rms = median(voicedF0(fliteSamples('rms', text), 16000));
    const slt = median(voicedF0(fliteSamples('slt', text), 16000));
    expect(rms).toBeGreaterThan(70);
    expect(rms).toBeLessThan(140);
    expect(slt).toBeGreaterThan(140);
    expect(slt).toBeLessThan(260);
  });
});
