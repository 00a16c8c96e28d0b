// Errors every layer may throw. They live at the bottom of the import graph so that audio, data,
// models and training can report a user's mistake without importing the step contract.

/** Thrown by a step that stopped early because ctx.signal aborted (after saving its state). */
export class StepInterrupted extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'StepInterrupted';
  }
}

/** An error whose message is meant for the user as it is (no stack trace printed). */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** No space left on a disk vcpipe writes to: a user's problem to fix, but not bad input (exit 1, not 2). */
export class DiskFull extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'DiskFull';
  }
}
