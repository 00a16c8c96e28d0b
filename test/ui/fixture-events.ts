// The recorded run under test/fixtures/ui: a cached corpus, preprocessing, Text2Mel and SSRN
// training side by side, then synthesis. Relative artifact paths (the alignment matrices) are
// resolved against the fixture directory.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/runner/events.ts';
import { actionsForEvent } from '../../src/ui/dashboard/alignment-file.ts';
import { applyEvent, initialState, type DashboardState } from '../../src/ui/dashboard/state.ts';

export const FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/ui');
/** Where the recorded run's artifacts live. */
export const FIXTURE_PROJECT = '/home/ada/voice';

export function loadFixtureEvents(): RunEvent[] {
  return readFileSync(resolve(FIXTURE_DIR, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const event = JSON.parse(line) as RunEvent;
      return event.type === 'artifact' && !isAbsolute(event.path) ? { ...event, path: resolve(FIXTURE_DIR, event.path) } : event;
    });
}

/** Index just past the moment Text2Mel reaches step 6000 (SSRN done, synthesis waiting). */
export function midTrainingCount(events: RunEvent[]): number {
  return events.findIndex((e) => e.type === 'progress' && e.step === 'text2mel' && e.done >= 6000) + 1;
}

/** The dashboard state after `events`, alignment matrices read as the reporter reads them. */
export function foldEvents(events: RunEvent[]): DashboardState {
  return events.flatMap(actionsForEvent).reduce(applyEvent, initialState());
}
