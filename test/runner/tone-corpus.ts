// A folder of <name>.wav + <name>.txt pairs for corpus steps: sine tones (real 16-bit WAVs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeWav } from '../../src/audio/wav.ts';

const RATE = 16_000;

export function writeTone(path: string, seconds = 0.5, amplitude = 0.5, hz = 220): void {
  const x = Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));
  writeWav(path, [x], RATE);
}

/** Writes `<dir>/<name>.wav` and `<dir>/<name>.txt` for each name; tones from `firstHz` up, 20 Hz apart. */
export function writeTonePairs(dir: string, names: string[], text = 'a short test sentence', firstHz = 200): void {
  mkdirSync(dir, { recursive: true });
  names.forEach((name, i) => {
    writeTone(join(dir, `${name}.wav`), 0.5, 0.5, firstHz + 20 * i);
    writeFileSync(join(dir, `${name}.txt`), text);
  });
}
