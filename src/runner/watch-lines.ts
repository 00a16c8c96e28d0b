// The human lines of a watch event (stderr while watching, and the plain reporter).
import type { WatchEvent } from './events.ts';

export function watchLines(e: WatchEvent): string[] {
  const changed = e.changed?.length ? [`${e.changed.join(', ')} changed`] : [];
  switch (e.state) {
    case 'rerun':
      return changed;
    case 'queued':
      return [...changed, 'a run is in progress: one follow-up run is queued'];
    case 'restarting':
      return [...changed, 'restarting: the current run stops cleanly first'];
    case 'invalid':
      return [...(e.problems ?? []), 'the pipeline is invalid: waiting for the next edit'];
    case 'idle':
      return [`watching ${e.watched} path${e.watched === 1 ? '' : 's'} for changes (Ctrl-C to stop)`];
    case 'stopping':
      return ['stopping the watch'];
    case 'stopped':
      return e.message ? [`watch stopped by an error: ${e.message}`] : [];
  }
}
