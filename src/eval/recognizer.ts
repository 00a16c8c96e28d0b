// Offline speech recognition with Debian's pocketsphinx (US English model), used to score
// intelligibility. One pocketsphinx_batch call per set of files, so the model loads once.
import { existsSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
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
    writeFileSync(join(dir, 'ctl'), ids.join('\n') + '\n');
    const hypPath = join(dir, 'hyp.txt');
    await execa(BATCH, [
      '-adcin', 'yes', '-cepdir', dir, '-cepext', '.wav', '-ctl', join(dir, 'ctl'),
      '-hmm', join(MODEL_DIR, 'en-us'), '-lm', join(MODEL_DIR, 'en-us.lm.bin'),
      '-dict', join(MODEL_DIR, 'cmudict-en-us.dict'), '-hyp', hypPath, '-logfn', '/dev/null',
    ]);
    // Each line: "words words (uttid score)"; an empty hypothesis is "(uttid score)".
    const byId = new Map<string, string>();
    for (const line of readFileSync(hypPath, 'utf8').split('\n')) {
      const m = /^(.*?)\s*\((u\d{5})\s+-?\d+\)\s*$/.exec(line);
      if (m) byId.set(m[2], m[1].trim());
    }
    return ids.map((id) => byId.get(id) ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
