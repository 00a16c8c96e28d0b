// Which stage of a voice loses what (issue 16: exposure bias, the SSRN's ceiling, the voice's
// pitch): the teacher's own recordings of the judged sentences go through the trained networks
// part of the way, so each stage can be scored like the free-running voice.
// - true magnitude: the teacher's linear magnitude → Griffin-Lim (what phase reconstruction loses);
// - true mel: the teacher's reduced mel → SSRN → Griffin-Lim (what the vocoder alone loses);
// - teacher-forced: Text2Mel fed the teacher's mel frames (shifted by one, as in training,
//   docs/design.md §4.1) → its predicted mel → SSRN → Griffin-Lim (what the Text2Mel loses when
//   its input is right; the gap to the free-running voice is exposure bias).
// WAVs go to <outDir>/<stage>/, one per reference, in order.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { teacherForcedMel } from '../models/teacher-forcing.ts';
import { computeFeatures } from '../audio/features.ts';
import { mixToMono, readWav, writeWav } from '../audio/wav.ts';
import { resample } from '../audio/resample.ts';
import { encodeText } from '../text/front-end.ts';
import { loadVoice, type CheckpointChoice } from '../synthesis/load-voice.ts';
import { chooseVocoder } from '../synthesis/vocoders/registry.ts';
import { griffinLimSettings } from '../synthesis/vocoders/griffin-lim-settings.ts';
import { magnitudeToWave } from '../audio/griffin-lim.ts';

export interface StageProbeOptions {
  text2melDir: string;
  ssrnDir: string;
  which: CheckpointChoice;
  ssrnWhich?: CheckpointChoice;
  /** The teacher's recordings and what they say. */
  references: { text: string; audio: string }[];
  outDir: string;
  griffinLimIters?: number;
  power?: number;
}

export interface StageWavs {
  trueMag: string[];
  trueMel: string[];
  teacherForced: string[];
}

export async function probeStages(o: StageProbeOptions): Promise<StageWavs> {
  const voice = loadVoice(o.text2melDir, o.which);
  const cfg = voice.features;
  const setup = {
    features: cfg, text2melDir: o.text2melDir, ssrnDir: o.ssrnDir, ssrnWhich: o.ssrnWhich ?? o.which,
    griffinLimIters: o.griffinLimIters, power: o.power,
  };
  const vocode = (await chooseVocoder('griffin-lim-ssrn', true)).load(setup);
  const gl = griffinLimSettings(setup);
  const out: StageWavs = { trueMag: [], trueMel: [], teacherForced: [] };
  for (const d of ['true-mag', 'true-mel', 'teacher-forced']) mkdirSync(join(o.outDir, d), { recursive: true });
  try {
    const { maxN, maxT, nMels } = voice.text2mel.config;
    for (const [i, ref] of o.references.entries()) {
      const wav = readWav(ref.audio);
      const samples = await resample(mixToMono(wav.channels), wav.sampleRate, cfg.sample_rate);
      const feats = computeFeatures(samples, cfg.sample_rate, cfg);
      const frames = Math.min(feats.frames, maxT);
      const mel = feats.mel.subarray(0, frames * nMels);
      const ids = encodeText(cfg.text, ref.text).ids.slice(0, maxN);
      const predicted = teacherForcedMel(voice.text2mel, ids, mel, frames);
      const name = `${String(i + 1).padStart(3, '0')}.wav`;
      const bins = cfg.n_fft / 2 + 1;
      const waves: [string, string[], () => Float32Array][] = [
        ['true-mag', out.trueMag, () => magnitudeToWave(feats.mag.subarray(0, frames * cfg.r * bins), frames, cfg, gl)],
        ['true-mel', out.trueMel, () => vocode.melToWave(mel, frames)],
        ['teacher-forced', out.teacherForced, () => vocode.melToWave(predicted, frames)],
      ];
      for (const [stage, list, wave] of waves) {
        const path = join(o.outDir, stage, name);
        writeWav(path, [wave()], cfg.sample_rate);
        list.push(path);
      }
    }
  } finally {
    vocode.dispose();
    voice.dispose();
  }
  return out;
}
