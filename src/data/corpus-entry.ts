// One audio file + transcript -> one CorpusUtterance (header facts and content hash).
import type { CorpusUtterance } from './corpus-manifest.ts';
import { hashFile } from '../util/hash.ts';
import { readWavHeader } from './wav-header.ts';

/** Throws BadWav (from the header check) when the file is not usable. `audio` must be absolute. */
export async function corpusEntry(id: string, text: string, audio: string): Promise<CorpusUtterance> {
  const header = readWavHeader(audio);
  return { id, text, audio, sha256: await hashFile(audio), duration: header.duration, sampleRate: header.sampleRate };
}
