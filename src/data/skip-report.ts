// Collects the unusable items of a corpus step: each one is a warning naming the file and the
// reason (or, with on_error: fail, the error that stops the step), then one summary line.
// Warnings carry no prefix: the runner puts the step's name in front of each.
import { UserError } from '../errors.ts';

export type OnError = 'skip' | 'fail';

export class SkipReport {
  readonly skipped: { file: string; reason: string }[] = [];

  constructor(
    /** The step kind, in front of the error that stops the step. */
    private readonly kind: string,
    private readonly onError: OnError,
    private readonly warn: (message: string) => void,
  ) {}

  skip(file: string, reason: string): void {
    if (this.onError === 'fail') throw new UserError(`${this.kind}: ${file}: ${reason} (on_error: fail)`);
    this.skipped.push({ file, reason });
    this.warn(`skipped ${file}: ${reason}`);
  }

  /** "597 utterances, 3 skipped: a.wav (empty file), b.wav (…), c.txt (…)". */
  summary(utterances: number): string {
    const head = `${utterances} utterances, ${this.skipped.length} skipped`;
    if (this.skipped.length === 0) return head;
    const shown = this.skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`);
    const more = this.skipped.length > 3 ? `, and ${this.skipped.length - 3} more (see warnings)` : '';
    return `${head}: ${shown.join(', ')}${more}`;
  }
}
