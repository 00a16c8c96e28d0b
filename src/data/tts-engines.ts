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

function argv(v: Voice, text: string, out: string): string[] {
  if (v.engine === 'flite') {
    const args = ['-voice', v.voice];
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

/** Speaks `text` into the WAV file `out`. */
export async function synthesize(v: Voice, text: string, out: string, signal?: AbortSignal): Promise<void> {
  try {
    await execa(v.command, argv(v, text, out), { cancelSignal: signal, stdin: 'ignore' });
  } catch (err) {
    if (isMissingBinary(err)) throw notFound(v);
    throw err;
  }
}
