// The first line of a thrown value's message: what a one-line report (a table cell, a UserError)
// shows of an error whose message may carry a stack or a multi-line native dump.
export const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0];
