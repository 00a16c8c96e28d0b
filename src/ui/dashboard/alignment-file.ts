// Reads the alignment matrix a training step announces as an artifact labelled 'alignment-matrix'.
import { readFileSync } from 'node:fs';
import type { RunEvent } from '../../runner/events.ts';
import { ALIGNMENT_MATRIX_LABEL } from '../../training/alignment-matrix.ts';
import { parseAlignmentMatrix, type AlignmentMatrix } from './heatmap.ts';
import type { DashboardAction } from './state.ts';

/** The matrix in a JSON file `{rows, cols, data}`; throws with the path when it cannot be used. */
export function readAlignmentMatrix(path: string): AlignmentMatrix {
  try {
    return parseAlignmentMatrix(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/**
 * The actions one runner event becomes: the event itself, and for an alignment-matrix artifact
 * the matrix read from its file (or a warning when it cannot be read).
 */
export function actionsForEvent(event: RunEvent): DashboardAction[] {
  if (event.type !== 'artifact' || event.label !== ALIGNMENT_MATRIX_LABEL) return [event];
  try {
    return [event, { type: 'alignment', step: event.step, matrix: readAlignmentMatrix(event.path) }];
  } catch (err) {
    return [event, { type: 'log', step: event.step, level: 'warn', message: (err as Error).message, time: event.time }];
  }
}
