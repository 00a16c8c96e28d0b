// Read and verify a voice file (voice-format.ts). Every way it can be wrong is one UserError line
// that names the file and the defect: not a voice file, written by a newer vcpipe, truncated (a
// part missing or short), altered (a part's sha256 differs from the manifest's), or naming a
// vocoder this vcpipe lacks.
import { readFileSync } from 'node:fs';
import { Parser, type ReadEntry } from 'tar';
import { UserError } from '../errors.ts';
import { firstLine } from '../util/error-line.ts';
import { vocoderNames } from '../synthesis/vocoders/registry.ts';
import { PARTS, VOICE_FORMAT, VOICE_FORMAT_VERSION, type ModelCard, type PartName, type VoiceManifest, type VoiceSpec } from './voice-format.ts';
import { sha256 } from './write-voice-file.ts';

export interface VoiceFileContents {
  manifest: VoiceManifest;
  card: ModelCard;
  spec: VoiceSpec;
  text2melWeights: Float32Array;
  ssrnWeights: Float32Array;
}

/** The tar's regular files by name. A tar cut short ends early: its last entries are missing or short. */
function untar(bytes: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => files.set(entry.path, Buffer.concat(chunks)));
    },
  });
  parser.end(bytes);
  return files;
}

function floats(buf: Buffer): Float32Array {
  const copy = new Uint8Array(buf.length);
  copy.set(buf);
  return new Float32Array(copy.buffer);
}

export function readVoiceFile(path: string): VoiceFileContents {
  const fail = (what: string): never => {
    throw new UserError(`${path}: ${what}`);
  };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    return fail(`cannot read the voice file (${firstLine(err)})`);
  }
  const files = untar(bytes);
  const manifestBytes = files.get('manifest.json');
  if (!manifestBytes) return fail(bytes.length < 1024 ? `not a voice file or truncated (${bytes.length} bytes)` : 'not a voice file (no manifest.json at its start)');
  let manifest: VoiceManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as VoiceManifest;
  } catch {
    return fail('manifest.json is not valid JSON — the file is damaged');
  }
  if (manifest.format !== VOICE_FORMAT) return fail(`not a voice file (manifest format '${String(manifest.format)}', expected '${VOICE_FORMAT}')`);
  if (!Number.isInteger(manifest.version) || manifest.version > VOICE_FORMAT_VERSION) {
    return fail(`voice format version ${manifest.version} (written by vcpipe ${manifest.vcpipe}); this vcpipe reads version ${VOICE_FORMAT_VERSION} — update vcpipe`);
  }
  const part = (name: PartName): Buffer => {
    const want = manifest.parts.find((p) => p.name === name);
    if (!want) return fail(`manifest.json lists no part ${name} — the file is damaged`);
    const have = files.get(name);
    if (!have) return fail(`truncated: part ${name} is missing`);
    if (have.length !== want.bytes) return fail(`truncated: part ${name} has ${have.length} of ${want.bytes} bytes`);
    if (sha256(have) !== want.sha256) return fail(`altered: part ${name} does not match its sha256 in manifest.json`);
    return have;
  };
  const verified = new Map(PARTS.map((name) => [name, part(name)]));
  const json = <T>(name: PartName): T => {
    try {
      return JSON.parse(verified.get(name)!.toString('utf8')) as T;
    } catch {
      return fail(`part ${name} is not valid JSON`);
    }
  };
  const spec = json<VoiceSpec>('voice.json');
  const vocoder = spec.vocoder?.name;
  if (!vocoderNames().includes(vocoder)) return fail(`speaks through the vocoder '${vocoder}', which this vcpipe lacks (known: ${vocoderNames().join(', ')}) — update vcpipe`);
  return {
    manifest,
    card: json<ModelCard>('card.json'),
    spec,
    text2melWeights: floats(verified.get('text2mel.bin')!),
    ssrnWeights: floats(verified.get('ssrn.bin')!),
  };
}
