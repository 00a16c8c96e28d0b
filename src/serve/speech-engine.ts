// Turns queued texts into audio, one piece (sentence or clause) at a time, with every loaded
// voice kept warm. Requests that are waiting together are batched: each round takes the next
// piece of up to `batchSize` requests of one voice and generates their mels in one decoder batch,
// then vocodes them one by one, handing each to its request as soon as it is ready (so a long
// text streams sentence by sentence and a short one is not held back by it). The loop yields to
// the event loop after every piece so that sockets flush and new requests join the next round.
import type { TextPiece } from '../synthesis/split-text.ts';
import type { ModelCard } from '../voice/voice-format.ts';
import { generateMels, vocode } from '../voice/speak.ts';
import type { SpeakingVoice } from '../synthesis/speaking-voice.ts';

export interface ServedVoice {
  name: string;
  speaking: SpeakingVoice;
  card: ModelCard;
  /** Reduced frames per piece at most; default the Text2Mel's max_T. */
  maxFrames?: number;
}

export interface JobHandlers {
  /** Piece `index` of the text, as a peak-normalised waveform. */
  piece(wave: Float32Array, index: number): void;
  done(): void;
  failed(err: unknown): void;
}

interface Job extends JobHandlers {
  voice: ServedVoice;
  pieces: TextPiece[];
  next: number;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SpeechEngine {
  private jobs: Job[] = [];
  private running = false;
  /** Pieces spoken and decoder batches run since the start (pieces ÷ batches = mean batch size). */
  readonly spoken = { pieces: 0, batches: 0 };

  constructor(private readonly batchSize: number) {}

  /** Queue a text's pieces; the returned function cancels what is not spoken yet. */
  submit(voice: ServedVoice, pieces: TextPiece[], handlers: JobHandlers): () => void {
    const job: Job = { ...handlers, voice, pieces, next: 0 };
    this.jobs.push(job);
    if (!this.running) {
      this.running = true;
      void turn().then(() => this.loop());
    }
    return () => this.remove(job);
  }

  private remove(job: Job): void {
    this.jobs = this.jobs.filter((j) => j !== job);
  }

  private async loop(): Promise<void> {
    while (this.jobs.length) {
      const voice = this.jobs[0].voice;
      const batch = this.jobs.filter((j) => j.voice === voice).slice(0, this.batchSize);
      try {
        const mels = generateMels(voice.speaking, batch.map((j) => j.pieces[j.next]), voice.maxFrames);
        this.spoken.batches++;
        this.spoken.pieces += batch.length;
        await turn();
        for (const [i, job] of batch.entries()) {
          if (!this.jobs.includes(job)) continue; // cancelled meanwhile
          const wave = vocode(voice.speaking, mels[i]);
          const index = job.next++;
          const last = job.next === job.pieces.length;
          if (last) this.remove(job);
          job.piece(wave, index);
          if (last) job.done();
          await turn();
        }
      } catch (err) {
        for (const job of batch) {
          if (!this.jobs.includes(job)) continue;
          this.remove(job);
          job.failed(err);
        }
      }
    }
    this.running = false;
  }
}
