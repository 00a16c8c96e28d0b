// A WAV sent before its length is known. The header uses the max-size convention for streams:
// the RIFF and data chunk sizes are 0xFFFFFFFF ("until the end of the stream"), which players
// such as ffmpeg, sox and browsers accept; a client that keeps the whole file can write the true
// sizes in once it has them (withKnownSizes; the web page does the same before offering a download).
import { encodeWav } from '../audio/wav.ts';

export const STREAMING_SIZE = 0xffffffff;
const HEADER_BYTES = 44;

/** 16-bit mono WAV header with both sizes set to 0xFFFFFFFF. */
export function streamingWavHeader(sampleRate: number): Buffer {
  const header = Buffer.from(encodeWav([new Float32Array(0)], sampleRate, 'pcm16'));
  header.writeUInt32LE(STREAMING_SIZE, 4);
  header.writeUInt32LE(STREAMING_SIZE, 40);
  return header;
}

/** Samples as 16-bit little-endian PCM (the body of encodeWav). */
export function pcm16(samples: Float32Array): Buffer {
  return Buffer.from(encodeWav([samples], 1, 'pcm16').subarray(HEADER_BYTES, HEADER_BYTES + samples.length * 2));
}

/** A complete streamed WAV with its true RIFF and data sizes written in. */
export function withKnownSizes(wav: Uint8Array): Buffer {
  const out = Buffer.from(wav);
  out.writeUInt32LE(out.length - 8, 4);
  out.writeUInt32LE(out.length - HEADER_BYTES, 40);
  return out;
}
