// Command lines of the offline speech synthesisers that generate the embedded corpus.
// `rate` is a speed factor (1 = the voice's own speed, 2 = twice as fast); `pitch` is passed on
// in the engine's own unit (flite: mean F0 in Hz; espeak-ng: 0–99, default 50).
import { execa } from 'execa';
import { UserError } from '../errors.ts';

export type EngineName = 'flite' | 'espeak-ng';

export interface Voice {
  engine: EngineName;
  /** The binary to run: a name looked up on PATH, or a path. */
  command: string;
  voice: string;
  rate?: number;
  pitch?: number;
}

export const DEFAULT_VOICE: Record<EngineName, string> = { flite: 'rms', 'espeak-ng': 'en' };
/** espeak-ng's default speaking rate in words per minute. */
const ESPEAK_WPM = 175;

/** Each phone flite spoke and the second it ends at (`-psdur`; the last end is the WAV's length). */
export interface PhoneDurations {
  phones: string[];
  ends: number[];
}

function argv(v: Voice, text: string, out: string, durations: boolean): string[] {
  if (v.engine === 'flite') {
    const args = ['-voice', v.voice];
    if (durations) args.push('-psdur');
    // flite lengthens segments by duration_stretch, so a faster rate is a smaller stretch.
    if (v.rate !== undefined) args.push('--setf', `duration_stretch=${1 / v.rate}`);
    if (v.pitch !== undefined) args.push('--setf', `int_f0_target_mean=${v.pitch}`);
    return [...args, '-t', text, '-o', out];
  }
  const args = ['-v', v.voice, '-w', out];
  if (v.rate !== undefined) args.push('-s', String(Math.round(ESPEAK_WPM * v.rate)));
  if (v.pitch !== undefined) args.push('-p', String(Math.round(v.pitch)));
  return [...args, text];
}

function notFound(v: Voice): UserError {
  const where = v.command === v.engine ? '' : ` at ${v.command}`;
  return new UserError(`speech-corpus: ${v.engine} not found${where} — install it with: sudo apt-get install ${v.engine}`);
}

const isMissingBinary = (err: unknown) => (err as { code?: string }).code === 'ENOENT';

/**
 * Fails with one line when the engine is missing or lacks the voice. flite in particular falls
 * back to its default voice without any message when asked for one it does not have.
 */
export async function checkVoice(v: Voice): Promise<void> {
  try {
    if (v.engine === 'flite') {
      const { stdout } = await execa(v.command, ['-lv']);
      const voices = stdout.replace(/^Voices available:/, '').trim().split(/\s+/);
      // A voice may also be given as a path to a .flitevox file.
      if (!voices.includes(v.voice) && !v.voice.includes('/')) {
        throw new UserError(`speech-corpus: flite has no voice '${v.voice}' (available: ${voices.join(', ')})`);
      }
    } else {
      // espeak-ng itself fails with a clear message on an unknown voice.
      await execa(v.command, ['--version']);
    }
  } catch (err) {
    if (isMissingBinary(err)) throw notFound(v);
    throw err;
  }
}

/** flite's `-psdur` output: "pau:0.119 hh:0.212 …" (stdout may hold other lines before it). */
export function parsePsdur(stdout: string): PhoneDurations {
  const phones: string[] = [];
  const ends: number[] = [];
  for (const m of stdout.matchAll(/([a-z]+):([0-9.]+)/g)) {
    phones.push(m[1]);
    ends.push(Number(m[2]));
  }
  if (phones.length === 0) throw new Error(`no phone durations in flite's output: ${JSON.stringify(stdout.slice(0, 80))}`);
  return { phones, ends };
}

/**
 * Speaks `text` into the WAV file `out`; with `durations` (flite only) also returns each phone's
 * end time, printed by the same call that writes the WAV.
 */
export async function synthesize(v: Voice, text: string, out: string, signal?: AbortSignal, durations = false): Promise<PhoneDurations | undefined> {
  if (durations && v.engine !== 'flite') throw new UserError(`speech-corpus: phone_durations needs the flite engine, not ${v.engine}`);
  try {
    const { stdout } = await execa(v.command, argv(v, text, out, durations), { cancelSignal: signal, stdin: 'ignore' });
    return durations ? parsePsdur(stdout) : undefined;
  } catch (err) {
    if (isMissingBinary(err)) throw notFound(v);
    throw err;
  }
}
