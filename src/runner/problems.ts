// Bad input: one located problem per line (`file:line:column: message`), exit code 2.
export interface Problem {
  /** `file:line:column`, or `--set step.param` for a command-line override, or the file alone. */
  where: string;
  message: string;
}

export class PipelineProblems extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'PipelineProblems';
  }
}

export const formatProblem = (p: Problem): string => `${p.where}: ${p.message}`;
