// Requests to stop a run, from any source (SIGINT, the dashboard's q / Ctrl-C keys, watch mode
// restarting): the runner counts them in one place, so two presses mean "stop now" whichever
// way each arrived. 1 = stop gracefully (steps checkpoint), 2 or more = kill running steps.
export class StopRequests {
  private requests = 0;
  private readonly listeners = new Set<(count: number) => void>();

  get count(): number {
    return this.requests;
  }

  request(): void {
    this.requests += 1;
    for (const l of this.listeners) l(this.requests);
  }

  /** Calls `listener` on each later request; returns the unsubscribe function. */
  subscribe(listener: (count: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Turns SIGINT into requests until the returned function is called. */
  onSigint(): () => void {
    const handler = () => this.request();
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  }
}
