// Voice files: export from a pipeline's cache, the model card, the vocoder the file names (loaded
// through the vocoder seam with the SSRN it carries), `say --voice`, and the one-line refusals of
// a truncated, altered, newer-format or foreign file (through the real CLI, exit 2). Also the
// voice of a pipeline's cache that serve --pipeline speaks with, before and after an SSRN exists.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { create, list } from 'tar';
import { readWav } from '../../src/audio/wav.ts';
import { TINY_FEATURES } from '../../src/audio/feature-config.ts';
import { sayCommand } from '../../src/commands/say.ts';
import { readVoiceFile } from '../../src/voice/read-voice-file.ts';
import { voiceFromFile } from '../../src/voice/load-voice-file.ts';
import { exportVoice } from '../../src/voice/export-voice.ts';
import { VOICE_FORMAT_VERSION } from '../../src/voice/voice-format.ts';
import { findPipelineVoice, loadPipelineVoice, pipelineCard } from '../../src/voice/pipeline-voice.ts';
import { generateMels, piecesOf, speakText } from '../../src/voice/speak.ts';
import { loadVocoder, vocoderNames } from '../../src/synthesis/vocoders/registry.ts';
import { makeContext, makeTempDir } from '../helpers/make-context.ts';
import { trainSsrn } from '../../src/steps/train-ssrn.ts';
import { writeSyntheticFeatures } from '../steps/train-fixtures.ts';
import { HELDOUT_WER, makeTinyVoice, type TinyVoice } from './tiny-voice.ts';

const CLI = resolve(import.meta.dirname, '../../bin/vcpipe.js');
let v: TinyVoice;

beforeAll(async () => {
  v = await makeTinyVoice();
}, 120_000);

function capture() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (l: string) => void lines.out.push(l), err: (l: string) => void lines.err.push(l) } };
}

/** The voice file unpacked to a folder, for repacking altered copies. */
async function unpack(file: string): Promise<string> {
  const dir = makeTempDir('vcpipe-unpacked-');
  const { extract } = await import('tar');
  await extract({ file, cwd: dir });
  return dir;
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

describe('export-voice', () => {
  it('writes one tar: manifest first, each part with its sha256, a model card from the cache', async () => {
    const names: string[] = [];
    await list({ file: v.voiceFile, onReadEntry: (e) => void names.push(e.path) });
    expect(names).toEqual(['manifest.json', 'card.json', 'voice.json', 'text2mel.bin', 'ssrn.bin']);
    const dir = await unpack(v.voiceFile);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ format: 'vcpipe-voice', version: VOICE_FORMAT_VERSION, vcpipe: '0.1.0' });
    for (const p of manifest.parts) {
      const bytes = readFileSync(join(dir, p.name));
      expect(bytes.length).toBe(p.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(p.sha256);
    }
    const { card, spec } = readVoiceFile(v.voiceFile);
    expect(card).toMatchObject({
      name: 'tiny', speaker: 'synthetic', steps: { text2mel: 2, ssrn: 2 }, heldoutWer: HELDOUT_WER,
      source: { pipeline: 'tiny.yaml', step: 'speak' }, vcpipe: '0.1.0',
    });
    expect(card.corpus!.utterances).toBe(10);
    expect(card.corpus!.hours).toBeGreaterThan(0);
    expect(spec.features.sample_rate).toBe(16000);
    expect(spec.vocoder).toEqual({ name: 'griffin-lim-ssrn', griffinLimIters: 32, power: 1, griffinLimHop: 200 });
    expect(spec.pauseSeconds).toBe(0.25);
    // The weights are the checkpoint's, byte for byte.
    const t2m = JSON.parse(readFileSync(join(v.cache, 'entries', 't2m', 'model.json'), 'utf8'));
    expect(readFileSync(join(dir, 'text2mel.bin')).equals(readFileSync(join(v.cache, 'entries', 't2m', t2m.latest, 'weights.bin')))).toBe(true);
  });

  it('the CLI exports; a pipeline without a trained voice or a wrong --step is one line, exit 2', () => {
    const out = join(v.root, 'cli.voice');
    const ok = cli(['export-voice', v.pipeline, '--cache', v.cache, '--out', out, '--checkpoint', 'best']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/cli\.voice: voice 'cli' \(synthetic; Text2Mel step 2, SSRN step 2; held-out WER 0\.250\), \d+\.\d MiB/);
    const empty = cli(['export-voice', v.pipeline, '--cache', join(v.root, 'empty'), '--out', join(v.root, 'x.voice')]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toBe(`vcpipe export-voice: no trained text2mel in ${join(v.root, 'empty')} for ${v.pipeline} — run: npx vcpipe run ${v.pipeline}\n`);
    const step = cli(['export-voice', v.pipeline, '--cache', v.cache, '--step', 'ssrn', '--out', join(v.root, 'x.voice')]);
    expect(step.status).toBe(2);
    expect(step.stderr).toBe(`vcpipe export-voice: ${v.pipeline}: --step ssrn is not a synthesize step (synthesize steps: speak)\n`);
  });

  it('an SSRN trained on other features than the Text2Mel is refused, naming both and what differs', async () => {
    const features = writeSyntheticFeatures(makeTempDir('vcpipe-other-feat-'), { utterances: 6, config: { ...TINY_FEATURES, hop_length: 160 } });
    const ssrnDir = makeTempDir('vcpipe-other-ssrn-');
    await trainSsrn.run(makeContext({ steps: 1, batch_size: 2, validation: 2, log_every: 1, plot_every: 100, checkpoint_every: 100, config: { base: 'tiny', c: 16 } }, { outDir: ssrnDir, inputs: { features } }));
    const other = join(v.root, 'mixed-cache');
    spawnSync('cp', ['-r', v.cache, other]);
    rmSync(join(other, 'entries', 'ssrn'), { recursive: true });
    spawnSync('cp', ['-r', ssrnDir, join(other, 'entries', 'ssrn')]);
    writeFileSync(join(other, 'entries', 'ssrn', 'manifest.json'), readFileSync(join(v.cache, 'entries', 'ssrn', 'manifest.json')));
    await expect(exportVoice({ pipeline: v.pipeline, cacheDir: other, out: join(v.root, 'mixed.voice') })).rejects.toThrow(
      `ssrn (${join(other, 'entries', 'ssrn')}) was trained on other features than text2mel (${join(other, 'entries', 't2m')}): hop_length 160 vs 200`,
    );
  });

  it('a WER is only carried over from an evaluation of these very models', async () => {
    // The synthesize entry now claims another Text2Mel build: its evaluation no longer applies.
    const other = join(v.root, 'other-cache');
    spawnSync('cp', ['-r', v.cache, other]);
    const speak = join(other, 'entries', 'speak', 'manifest.json');
    const record = JSON.parse(readFileSync(speak, 'utf8'));
    writeFileSync(speak, JSON.stringify({ ...record, upstream: { ...record.upstream, text2mel: 'id-older-build' } }));
    const { card } = await exportVoice({ pipeline: v.pipeline, cacheDir: other, out: join(v.root, 'other.voice') });
    expect(card.heldoutWer).toBeNull();
  });
});

describe('say --voice', () => {
  it('speaks with the voice file alone (no pipeline, no cache)', async () => {
    const out = join(v.root, 'fox.wav');
    const { lines, io } = capture();
    const code = await sayCommand(['The quick brown fox.', '--voice', v.voiceFile, '--out', out, '--max-frames', '20'], io);
    expect(lines.err.filter((l) => l.startsWith('vcpipe say:'))).toEqual([]);
    expect(code).toBe(0);
    const wav = readWav(out);
    expect(wav.sampleRate).toBe(16000);
    // 20 reduced frames = 20 · 4 · 200 samples before silence trimming.
    expect(wav.channels[0].length).toBeGreaterThan(1600);
    expect(wav.channels[0].length).toBeLessThanOrEqual(20 * 4 * 200);
    expect(lines.out[0]).toMatch(/fox\.wav: \d+\.\d\d s \(tiny: 2 \+ 2 steps, real-time factor \d+\.\d\d: \d+\.\d\d s processing ÷ audio\)/);
  });

  it('loads the same weights as the checkpoints it came from', async () => {
    const loaded = await voiceFromFile(v.voiceFile, readVoiceFile(v.voiceFile));
    try {
      const [name, variable] = [...loaded.speaking.voice.text2mel.store.vars][0];
      const t2m = JSON.parse(readFileSync(join(v.cache, 'entries', 't2m', 'model.json'), 'utf8'));
      const ck = JSON.parse(readFileSync(join(v.cache, 'entries', 't2m', t2m.latest, 'manifest.json'), 'utf8'));
      const entry = ck.tensors.find((t: { name: string }) => t.name === name);
      const buf = readFileSync(join(v.cache, 'entries', 't2m', t2m.latest, 'weights.bin'));
      const stored = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)).subarray(entry.offset, entry.offset + variable.size);
      expect(Array.from(variable.dataSync())).toEqual(Array.from(stored));
    } finally {
      loaded.speaking.dispose();
    }
  });
});

describe('the vocoder a voice file names', () => {
  it('is loaded through the vocoder seam with the SSRN the file carries: the audio of that SSRN from its checkpoint', async () => {
    const loaded = await voiceFromFile(v.voiceFile, readVoiceFile(v.voiceFile));
    const fromCheckpoint = (await loadVocoder('griffin-lim-ssrn')).load({ features: loaded.speaking.voice.features, text2melDir: 't2m', ssrnDir: join(v.cache, 'entries', 'ssrn') });
    try {
      expect(loaded.speaking.summary).toBe('Text2Mel step 2; vocoder griffin-lim-ssrn (SSRN step 2, 32 Griffin-Lim iterations, power 1); 16000 Hz');
      const [g] = generateMels(loaded.speaking, piecesOf(loaded.speaking, 'Hello.'), 8);
      const wave = loaded.speaking.vocoder.melToWave(g.mel, g.frames);
      expect(wave.length).toBeGreaterThan(0);
      expect(Array.from(wave)).toEqual(Array.from(fromCheckpoint.melToWave(g.mel, g.frames)));
    } finally {
      fromCheckpoint.dispose();
      loaded.speaking.dispose();
    }
  });

  it("records the synthesize step's vocoder and settings, and say speaks through them", async () => {
    const pipeline = join(v.root, 'inverse.yaml');
    writeFileSync(pipeline, readFileSync(v.pipeline, 'utf8').replace('sentences: [Hello.]', 'vocoder: griffin-lim-mel-inverse, griffin_lim_iters: 5, griffin_lim_hop: 100, sentences: [Hello.]'));
    const file = join(v.root, 'inverse.voice');
    await exportVoice({ pipeline, cacheDir: v.cache, out: file });
    expect(readVoiceFile(file).spec.vocoder).toEqual({ name: 'griffin-lim-mel-inverse', griffinLimIters: 5, power: 1, griffinLimHop: 100 });
    const out = join(v.root, 'inverse.wav');
    const { lines, io } = capture();
    expect(await sayCommand(['Hello.', '--voice', file, '--out', out, '--max-frames', '12'], io)).toBe(0);
    expect(lines.err).toContain('voice: Text2Mel step 2; vocoder griffin-lim-mel-inverse (mel pseudo-inverse, 5 Griffin-Lim iterations at hop 100, power 1); 16000 Hz');
    expect(readWav(out).channels[0].length).toBeGreaterThan(1600);
  });

  it('a vocoder this vcpipe lacks is one line naming the file, exit 2', async () => {
    const dir = await unpack(v.voiceFile);
    const spec = JSON.parse(readFileSync(join(dir, 'voice.json'), 'utf8'));
    const altered = Buffer.from(JSON.stringify({ ...spec, vocoder: { ...spec.vocoder, name: 'wavenet' } }));
    writeFileSync(join(dir, 'voice.json'), altered);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const part = manifest.parts.find((p: { name: string }) => p.name === 'voice.json');
    Object.assign(part, { bytes: altered.length, sha256: createHash('sha256').update(altered).digest('hex') });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const file = join(v.root, 'wavenet.voice');
    await create({ file, cwd: dir, portable: true }, ['manifest.json', 'card.json', 'voice.json', 'text2mel.bin', 'ssrn.bin']);
    const r = cli(['say', 'Hello.', '--voice', file, '--out', join(v.root, 'never.wav')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vcpipe say: ${file}: speaks through the vocoder 'wavenet', which this vcpipe lacks (known: ${vocoderNames().join(', ')}) — update vcpipe\n`);
  });
});

describe("a pipeline's voice (serve --pipeline, say --pipeline)", () => {
  it('with its SSRN: SSRN + Griffin-Lim, and a card like the exported one', async () => {
    const found = await findPipelineVoice(v.pipeline, v.cache);
    expect(found.vocoder.name).toBe('griffin-lim-ssrn');
    const speaking = loadPipelineVoice(found, 'latest');
    try {
      expect(pipelineCard(found, speaking, 'latest')).toMatchObject({ name: 'tiny', speaker: 'synthetic', steps: { text2mel: 2, ssrn: 2 }, heldoutWer: HELDOUT_WER });
    } finally {
      speaking.dispose();
    }
  });

  it('before an SSRN is trained: the mel pseudo-inverse, and a card without an SSRN step', async () => {
    const cache = join(v.root, 't2m-only-cache');
    spawnSync('cp', ['-r', v.cache, cache]);
    rmSync(join(cache, 'entries', 'ssrn'), { recursive: true });
    const found = await findPipelineVoice(v.pipeline, cache);
    expect([found.ssrn, found.vocoder.name]).toEqual([undefined, 'griffin-lim-mel-inverse']);
    const speaking = loadPipelineVoice(found, 'latest');
    try {
      expect(speaking.summary).toMatch(/vocoder griffin-lim-mel-inverse \(mel pseudo-inverse/);
      expect(pipelineCard(found, speaking, 'latest')).toMatchObject({ steps: { text2mel: 2, ssrn: null }, heldoutWer: null });
      expect(speakText(speaking, 'Hello. Hello again.', 12).length).toBeGreaterThan(0.25 * 16000);
    } finally {
      speaking.dispose();
    }
  });
});

describe('a damaged voice file is one line naming the defect, exit 2', () => {
  const say = (file: string) => cli(['say', 'Hello.', '--voice', file, '--out', join(v.root, 'never.wav')]);

  it('truncated', () => {
    const file = join(v.root, 'truncated.voice');
    writeFileSync(file, readFileSync(v.voiceFile).subarray(0, 300_000));
    const r = say(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^vcpipe say: ${file}: truncated: part ssrn\\.bin (is missing|has \\d+ of \\d+ bytes)\\n$`));
    truncateSync(file, 100);
    const tiny = say(file);
    expect(tiny.status).toBe(2);
    expect(tiny.stderr).toBe(`vcpipe say: ${file}: not a voice file or truncated (100 bytes)\n`);
  });

  it('altered', async () => {
    const dir = await unpack(v.voiceFile);
    const weights = readFileSync(join(dir, 'text2mel.bin'));
    weights[1000] ^= 0xff;
    writeFileSync(join(dir, 'text2mel.bin'), weights);
    const file = join(v.root, 'altered.voice');
    await create({ file, cwd: dir, portable: true }, ['manifest.json', 'card.json', 'voice.json', 'text2mel.bin', 'ssrn.bin']);
    const r = say(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vcpipe say: ${file}: altered: part text2mel.bin does not match its sha256 in manifest.json\n`);
  });

  it('newer format', async () => {
    const dir = await unpack(v.voiceFile);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version: VOICE_FORMAT_VERSION + 1, vcpipe: '9.0.0' }));
    const file = join(v.root, 'newer.voice');
    await create({ file, cwd: dir, portable: true }, ['manifest.json', 'card.json', 'voice.json', 'text2mel.bin', 'ssrn.bin']);
    const r = say(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vcpipe say: ${file}: voice format version ${VOICE_FORMAT_VERSION + 1} (written by vcpipe 9.0.0); this vcpipe reads version ${VOICE_FORMAT_VERSION} — update vcpipe\n`);
  });

  it('not a voice file, and a missing one', () => {
    const file = join(v.root, 'notes.voice');
    writeFileSync(file, 'x'.repeat(5000));
    const r = say(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`vcpipe say: ${file}: not a voice file (no manifest.json at its start)\n`);
    const missing = say(join(v.root, 'nope.voice'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^vcpipe say: .*nope\.voice: cannot read the voice file \(ENOENT[^\n]*\n$/);
  });
});
