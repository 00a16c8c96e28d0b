// The latest attention alignment as numbers, written by Text2Mel training beside its plots and
// announced as an artifact with this label; the dashboard draws it as a terminal heatmap.
// The file is JSON {rows: text positions, cols: decoder frames, step, data: row-major values}.
export const ALIGNMENT_MATRIX_LABEL = 'alignment-matrix';
