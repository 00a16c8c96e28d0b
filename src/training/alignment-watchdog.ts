// Alignment watchdog (Text2Mel): attention that is still not diagonal (diagonality < 0.5) once
// step ≥ align_by means the run is unlikely ever to learn it. Warns once, or stops the run.
import { UserError } from '../errors.ts';

/** Diagonality below this at align_by is "no alignment" (a uniform alignment scores about 0.2). */
export const MIN_DIAGONALITY = 0.5;

export interface AlignmentWatchdogOptions {
  alignBy: number;
  onNoAlignment: 'warn' | 'stop';
  warn(message: string): void;
}

export class AlignmentWatchdog {
  private warned = false;

  constructor(private readonly o: AlignmentWatchdogOptions) {}

  /** After a validation at `step`: throws a UserError (stop) or warns once when attention is not diagonal. */
  check(step: number, diagonality: number): void {
    if (step < this.o.alignBy || this.warned || diagonality >= MIN_DIAGONALITY) return;
    const advice =
      `attention is not diagonal by step ${step} (diagonality ${diagonality.toFixed(2)} < ${MIN_DIAGONALITY}, align_by ${this.o.alignBy}): ` +
      'lower the learning rate (lr), check that the transcripts match the audio, or use shorter clips';
    if (this.o.onNoAlignment === 'stop') throw new UserError(advice);
    this.o.warn(advice);
    this.warned = true;
  }
}
