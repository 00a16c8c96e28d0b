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

/**
 * The pipeline the runner, store and executor tests train on: tone recordings (`recordings/`) →
 * tiny features → a tiny Text2Mel (e = d = 16, batch 4, 2 validation clips) with `train`'s params
 * (steps, checkpoint_every, log_every, ...). `header`: top-level lines after the name (e.g.
 * `timeout: 3600`); `text2melExtra`: lines under the training step (e.g. `resources: { cpu: 1 }`).
 */
export function toneText2MelPipeline(name: string, train: Record<string, number>, opts: { header?: string; text2melExtra?: string } = {}): string {
  const params = Object.entries(train).map(([k, v]) => `, ${k}: ${v}`).join('');
  return `name: ${name}
${opts.header ? `${opts.header}\n` : ''}steps:
  corpus: { kind: ljspeech, with: { root: recordings } }
  features: { kind: preprocess, needs: [corpus], with: { config: tiny, workers: 1 } }
  text2mel:
    kind: train-text2mel
    needs: [features]
${opts.text2melExtra ? `    ${opts.text2melExtra}\n` : ''}    with: { config: { base: tiny, e: 16, d: 16 }, batch_size: 4, validation: 2${params} }
`;
}
