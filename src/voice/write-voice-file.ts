// Write a voice file (voice-format.ts): the parts go into a temp folder, tar packs them with
// manifest.json first, and the tar is renamed into place, so `out` is either the old file or a
// complete new one.
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { create } from 'tar';
import { tempPathFor } from '../util/atomic.ts';
import { PARTS, VOICE_FORMAT, VOICE_FORMAT_VERSION, type ModelCard, type PartName, type VoiceManifest, type VoiceSpec } from './voice-format.ts';
import { VCPIPE_VERSION } from './vcpipe-version.ts';

export interface VoiceContents {
  card: ModelCard;
  spec: VoiceSpec;
  text2melWeights: Float32Array;
  ssrnWeights: Float32Array;
}

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Writes `out`; returns the manifest written. */
export async function writeVoiceFile(out: string, v: VoiceContents): Promise<VoiceManifest> {
  const data: Record<PartName, Buffer> = {
    'card.json': Buffer.from(JSON.stringify(v.card, null, 2) + '\n'),
    'voice.json': Buffer.from(JSON.stringify(v.spec) + '\n'),
    'text2mel.bin': bytesOf(v.text2melWeights),
    'ssrn.bin': bytesOf(v.ssrnWeights),
  };
  const manifest: VoiceManifest = {
    format: VOICE_FORMAT,
    version: VOICE_FORMAT_VERSION,
    vcpipe: VCPIPE_VERSION,
    parts: PARTS.map((name) => ({ name, bytes: data[name].length, sha256: sha256(data[name]) })),
  };
  const work = mkdtempSync(join(dirname(out), '.voice-'));
  const tmp = tempPathFor(out);
  try {
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    for (const name of PARTS) writeFileSync(join(work, name), data[name]);
    // portable: no owner, mode or time noise beyond the mtime, so the file is the same anywhere.
    await create({ file: tmp, cwd: work, portable: true }, ['manifest.json', ...PARTS]);
    renameSync(tmp, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(tmp, { force: true });
  }
  return manifest;
}
