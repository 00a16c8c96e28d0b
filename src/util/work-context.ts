// What a long piece of work (reading a corpus, training a network) sees of whoever runs it: how
// it reports and how it is told to stop. A step's StepContext is one; the work modules below
// steps/ take this (plus the few fields they read) so they never depend on the step contract.

/** What an announced file is, so a reporter can show it (picture, sound, ...). */
export type ArtifactKind = 'image' | 'audio' | 'checkpoint' | 'table' | 'other';

export interface WorkContext {
  /** Aborted on SIGINT: training saves a checkpoint, then returns (or throws StepInterrupted). */
  signal: AbortSignal;
  progress(done: number, total: number, unit?: string): void;
  metric(name: string, value: number, at?: number): void;
  /** Announce a file the user may want to see (PNG, WAV, checkpoint, report). Path absolute. */
  artifact(path: string, kind: ArtifactKind, label?: string): void;
  log(message: string): void;
  warn(message: string): void;
}
