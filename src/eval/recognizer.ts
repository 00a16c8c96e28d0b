// Offline speech recognition with Debian's pocketsphinx (US English model), used to score
// intelligibility. pocketsphinx_batch decodes on one core: a set of files is split into one
// batch per core (each loads the model once, ~1 s), run side by side.
import { existsSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import { execa } from 'execa';
import { readWav, mixToMono, writeWav } from '../audio/wav.ts';
import { resample } from '../audio/resample.ts';

const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const BATCH = 'pocketsphinx_batch';
/** The acoustic model is trained on 16 kHz speech. */
const RECOGNIZER_RATE = 16000;

/** Why the recogniser cannot run here, or null when it can. */
export async function recognizerMissing(): Promise<string | null> {
  if (!existsSync(join(MODEL_DIR, 'en-us', 'mdef'))) {
    return 'pocketsphinx US English model not found — install it with: sudo apt-get install pocketsphinx pocketsphinx-en-us';
  }
  try {
    await execa(BATCH, ['-h'], { reject: false });
  } catch {
    return 'pocketsphinx_batch not found — install it with: sudo apt-get install pocketsphinx pocketsphinx-en-us';
  }
  return null;
}

/** Files per batch at least: below this the model's load time outweighs a second core. */
const MIN_BATCH = 8;

/** Transcribes each WAV (any rate, any channels); returns lower-case hypotheses in order. */
export async function recognize(wavPaths: string[]): Promise<string[]> {
  if (wavPaths.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'vcpipe-asr-'));
  try {
    const ids = wavPaths.map((_, i) => `u${String(i).padStart(5, '0')}`);
    for (let i = 0; i < wavPaths.length; i++) {
      const wav = readWav(wavPaths[i]);
      const mono16k = await resample(mixToMono(wav.channels), wav.sampleRate, RECOGNIZER_RATE);
      writeWav(join(dir, `${ids[i]}.wav`), [mono16k], RECOGNIZER_RATE, 'pcm16');
    }
    const batches = Math.max(1, Math.min(availableParallelism(), Math.floor(ids.length / MIN_BATCH)));
    const hyps = await Promise.all(Array.from({ length: batches }, (_, b) => decode(dir, ids.filter((_, i) => i % batches === b), `b${b}`)));
    const byId = new Map(hyps.flatMap((m) => [...m]));
    return ids.map((id) => byId.get(id) ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One pocketsphinx_batch run over `ids` (WAVs in `dir`): uttid → hypothesis. */
async function decode(dir: string, ids: string[], name: string): Promise<Map<string, string>> {
  const ctl = join(dir, `${name}.ctl`);
  const hypPath = join(dir, `${name}.hyp`);
  writeFileSync(ctl, ids.join('\n') + '\n');
  await execa(BATCH, [
    '-adcin', 'yes', '-cepdir', dir, '-cepext', '.wav', '-ctl', ctl,
    '-hmm', join(MODEL_DIR, 'en-us'), '-lm', join(MODEL_DIR, 'en-us.lm.bin'),
    '-dict', join(MODEL_DIR, 'cmudict-en-us.dict'), '-hyp', hypPath, '-logfn', '/dev/null',
  ]);
  // Each line: "words words (uttid score)"; an empty hypothesis is "(uttid score)".
  const byId = new Map<string, string>();
  for (const line of readFileSync(hypPath, 'utf8').split('\n')) {
    const m = /^(.*?)\s*\((u\d{5})\s+-?\d+\)\s*$/.exec(line);
    if (m) byId.set(m[2], m[1].trim());
  }
  return byId;
}
