// Finds the utterances of a corpus folder on disk, in either of two layouts:
// - LJSpeech: metadata.csv (`id|raw text|normalised text`) and wavs/<id>.wav;
// - a plain folder of <name>.wav + <name>.txt pairs (how people usually record a new voice).
// Every unusable line or file is handed to the SkipReport with its reason.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { SkipReport } from './skip-report.ts';

export interface Candidate {
  id: string;
  text: string;
  /** Absolute audio path. */
  audio: string;
  /** The audio file relative to the corpus root, for messages. */
  file: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 (without BOM); undefined for bytes in any other encoding. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

export function findCandidates(root: string, report: SkipReport): Candidate[] {
  if (!existsSync(root)) throw new UserError(`ljspeech: corpus folder ${root} does not exist`);
  if (existsSync(join(root, 'metadata.csv'))) return fromMetadata(root, report);
  const pairs = fromPairs(root, report);
  if (pairs.length === 0 && report.skipped.length === 0) {
    throw new UserError(`ljspeech: ${root} has neither a metadata.csv nor any <name>.wav + <name>.txt pairs`);
  }
  return pairs;
}

function fromMetadata(root: string, report: SkipReport): Candidate[] {
  const bytes = readFileSync(join(root, 'metadata.csv'));
  const out: Candidate[] = [];
  // Lines are decoded one by one so that one line in another encoding costs only that line.
  let start = 0;
  for (let lineNo = 1; start < bytes.length; lineNo++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    const raw = bytes.subarray(start, end);
    start = end + 1;
    const where = `metadata.csv:${lineNo}`;
    const line = decodeUtf8(raw)?.replace(/\r$/, '');
    if (line === undefined) {
      report.skip(where, 'transcript is not valid UTF-8 (unknown encoding)');
      continue;
    }
    if (line.trim() === '') continue;
    const [id = '', text = '', normalized = ''] = line.split('|').map((f) => f.trim());
    const chosen = normalized || text;
    if (!id || !chosen) {
      report.skip(where, 'missing field (expected id|text|normalized text)');
      continue;
    }
    const file = `wavs/${id}.wav`;
    if (!existsSync(join(root, file))) {
      report.skip(file, `audio file missing (listed in ${where})`);
      continue;
    }
    out.push({ id, text: chosen, audio: join(root, file), file });
  }
  return out;
}

function fromPairs(root: string, report: SkipReport): Candidate[] {
  const names = readdirSync(root).sort();
  const base = (n: string) => n.replace(/\.(wav|txt)$/i, '');
  const wavs = new Map(names.filter((n) => /\.wav$/i.test(n)).map((n) => [base(n), n]));
  const txts = new Map(names.filter((n) => /\.txt$/i.test(n)).map((n) => [base(n), n]));
  const out: Candidate[] = [];
  for (const [id, wav] of wavs) {
    const txt = txts.get(id);
    if (!txt) {
      report.skip(wav, `no transcript (expected ${id}.txt next to it)`);
      continue;
    }
    const decoded = decodeUtf8(readFileSync(join(root, txt)));
    if (decoded === undefined) {
      report.skip(txt, 'transcript is not valid UTF-8 (unknown encoding)');
      continue;
    }
    const text = decoded.replace(/\s+/g, ' ').trim();
    if (!text) {
      report.skip(txt, 'empty transcript');
      continue;
    }
    out.push({ id, text, audio: join(root, wav), file: wav });
  }
  for (const [id, txt] of txts) if (!wavs.has(id)) report.skip(txt, `transcript without audio (expected ${id}.wav)`);
  return out;
}
