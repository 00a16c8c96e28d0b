// Replays the recorded run through the real dashboard reporter on this terminal, up to the middle
// of Text2Mel training, then waits like a long step. The first `q` asks for a graceful stop; the
// second stops now: the step and the run end as interrupted, the dashboard closes, exit code 130.
// With --crash it throws instead of waiting, to show the terminal is given back after a crash.
// Run by test/ui/dashboard-tmux.test.ts inside tmux; also handy to look at by hand.
import { setTimeout as sleep } from 'node:timers/promises';
import { createDashboardReporter } from '../../src/ui/dashboard.tsx';
import type { RunEvent } from '../../src/runner/events.ts';
import { loadFixtureEvents, midTrainingCount } from './fixture-events.ts';

const EVENT_GAP_MS = 3;
const GIVE_UP_MS = 60_000;

const recorded = loadFixtureEvents();
const count = midTrainingCount(recorded);
// Shift the recorded clock so that the pause point is now and the clock keeps running from it.
const shift = Date.now() - recorded[count - 1].time;
const events = recorded.slice(0, count).map((e) => ({ ...e, time: e.time + shift }));

const reporter = createDashboardReporter({ onInterrupt: (n) => n >= 2 && void stopNow() });

async function stopNow(): Promise<void> {
  const time = Date.now();
  const ending: RunEvent[] = [
    { type: 'step', step: 'text2mel', state: 'interrupted', reason: 'stopped by the user', time },
    { type: 'run', state: 'interrupted', pipeline: 'ljspeech-small', message: 'stopped by the user', time },
  ];
  for (const event of ending) reporter.onEvent(event);
  await reporter.close();
  console.log('demo: stopped by the user');
  process.exit(130);
}

for (const event of events) {
  reporter.onEvent(event);
  await sleep(EVENT_GAP_MS);
}
if (process.argv.includes('--crash')) throw new Error('demo: crashed on purpose');
await sleep(GIVE_UP_MS);
await reporter.close();
console.log('demo: nobody pressed q');
process.exit(1);
