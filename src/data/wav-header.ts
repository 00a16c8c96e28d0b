// Reads only the RIFF header of a WAV file (never the samples): enough for the corpus manifest's
// sample rate and duration, and to reject broken files before anything decodes them.
import { openSync, readSync, fstatSync, closeSync } from 'node:fs';

export interface WavHeader {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes of sample data actually present. */
  dataBytes: number;
  /** Seconds. */
  duration: number;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Streaming writers (ffmpeg to a pipe, sox) that cannot seek back leave this size in the header. */
const UNKNOWN_SIZE = 0xffffffff;
/** Headers with LIST/INFO chunks before `data` stay well below this. */
const HEADER_WINDOW = 64 * 1024;

/** Thrown for a file that is not a usable WAV; the message is the reason, without the path. */
export class BadWav extends Error {}

export function readWavHeader(path: string): WavHeader {
  const fd = openSync(path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    if (fileSize === 0) throw new BadWav('empty file');
    const head = Buffer.alloc(Math.min(fileSize, HEADER_WINDOW));
    readSync(fd, head, 0, head.length, 0);
    return parseHeader(head, fileSize);
  } finally {
    closeSync(fd);
  }
}

function parseHeader(head: Buffer, fileSize: number): WavHeader {
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new BadWav('not a WAV file (no RIFF/WAVE header)');
  }
  let fmt: { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | undefined;
  let off = 12;
  while (off + 8 <= head.length) {
    const id = head.toString('latin1', off, off + 4);
    const size = head.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) throw new BadWav('truncated WAV header (fmt chunk cut short)');
      let format = head.readUInt16LE(body);
      if (format === FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= head.length) format = head.readUInt16LE(body + 24);
      fmt = {
        format,
        channels: head.readUInt16LE(body + 2),
        sampleRate: head.readUInt32LE(body + 4),
        blockAlign: head.readUInt16LE(body + 12),
        bits: head.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!fmt) throw new BadWav('WAV data chunk comes before its fmt chunk');
      return describe(fmt, size, fileSize - body);
    }
    off = body + size + (size & 1); // chunks are padded to an even length
  }
  throw new BadWav(fmt ? 'truncated WAV file (no data chunk)' : 'not a WAV file (no fmt chunk)');
}

function describe(
  fmt: { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number },
  declared: number,
  present: number,
): WavHeader {
  if (fmt.format !== FORMAT_PCM && fmt.format !== FORMAT_FLOAT) throw new BadWav(`unsupported WAV encoding (format tag ${fmt.format})`);
  if (fmt.channels < 1 || fmt.sampleRate < 1 || fmt.blockAlign < 1) throw new BadWav('WAV header declares 0 channels, 0 Hz or 0-byte frames');
  if (declared !== UNKNOWN_SIZE && declared > present) {
    throw new BadWav(`truncated WAV file (header says ${declared} bytes of audio, file has ${present})`);
  }
  const dataBytes = declared === UNKNOWN_SIZE ? present : declared;
  const frames = Math.floor(dataBytes / fmt.blockAlign);
  if (frames === 0) throw new BadWav('0-second clip (no audio samples)');
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, bitsPerSample: fmt.bits, dataBytes, duration: frames / fmt.sampleRate };
}
