// The attention alignment as a few lines of shade characters for the terminal.

export interface AlignmentMatrix {
  /** Text positions. */
  rows: number;
  /** Decoder frames. */
  cols: number;
  /** Row-major, rows × cols. */
  data: ArrayLike<number>;
}

const SHADES = ' ░▒▓█';

/**
 * Max-pools the matrix into at most `height` × `width` cells, normalises by its maximum and
 * shades each cell ' ░▒▓█'. Lines run top to bottom with the last text position on top, frames
 * left to right, as in the alignment PNG.
 */
export function shadeAlignment(matrix: AlignmentMatrix, width: number, height: number): string[] {
  const outRows = Math.min(height, matrix.rows);
  const outCols = Math.min(width, matrix.cols);
  const pooled = new Float64Array(outRows * outCols);
  for (let r = 0; r < matrix.rows; r++) {
    const pr = Math.floor((r * outRows) / matrix.rows);
    for (let c = 0; c < matrix.cols; c++) {
      const pc = Math.floor((c * outCols) / matrix.cols);
      const v = matrix.data[r * matrix.cols + c];
      if (v > pooled[pr * outCols + pc]) pooled[pr * outCols + pc] = v;
    }
  }
  const max = pooled.reduce((a, b) => Math.max(a, b), 0) || 1;
  const lines: string[] = [];
  for (let pr = outRows - 1; pr >= 0; pr--) {
    let line = '';
    for (let pc = 0; pc < outCols; pc++) {
      line += SHADES[Math.min(SHADES.length - 1, Math.floor((pooled[pr * outCols + pc] / max) * SHADES.length))];
    }
    lines.push(line);
  }
  return lines;
}

/** Checks the shape of a parsed alignment-matrix JSON document ({rows, cols, data}). */
export function parseAlignmentMatrix(doc: unknown): AlignmentMatrix {
  const m = doc as Partial<AlignmentMatrix> | null;
  if (
    !m ||
    !Number.isInteger(m.rows) ||
    !Number.isInteger(m.cols) ||
    !Array.isArray(m.data) ||
    m.data.length !== (m.rows as number) * (m.cols as number) ||
    (m.rows as number) <= 0 ||
    (m.cols as number) <= 0
  ) {
    throw new Error('not an alignment matrix {rows, cols, data: number[rows*cols]}');
  }
  return m as AlignmentMatrix;
}
