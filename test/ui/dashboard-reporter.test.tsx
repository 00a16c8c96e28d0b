import { describe, it, expect } from 'vitest';
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { render } from 'ink-testing-library';
import { createDashboardReporter, REDRAW_INTERVAL_MS } from '../../src/ui/dashboard.tsx';
import { InterruptKeys } from '../../src/ui/dashboard/interrupt-keys.tsx';
import { loadFixtureEvents, midTrainingCount } from './fixture-events.ts';

/** An in-memory terminal screen of 100 columns that records what is written to it. */
class Screen extends EventEmitter {
  columns = 100;
  rows = 40;
  writes: string[] = [];
  write(data: string): boolean {
    this.writes.push(data);
    return true;
  }
}

describe('createDashboardReporter', () => {
  it('redraws at most twice a second however fast events come, and draws the end on close', async () => {
    const screen = new Screen();
    const reporter = createDashboardReporter({ stdout: screen as unknown as NodeJS.WriteStream });
    const events = loadFixtureEvents();
    const started = Date.now();
    for (const event of events.slice(0, midTrainingCount(events))) reporter.onEvent(event);
    await sleep(3 * REDRAW_INTERVAL_MS);
    const seconds = (Date.now() - started) / 1000;
    const drawn = screen.writes.filter((w) => w.includes('vcpipe')).length;
    expect(drawn).toBeLessThanOrEqual(2 + seconds * 2);
    expect(stripVTControlCharacters(screen.writes.join(''))).toContain('6000/10000 steps');
    for (const event of events.slice(midTrainingCount(events))) reporter.onEvent(event);
    await reporter.close();
    expect(stripVTControlCharacters(screen.writes.join(''))).toContain('Run succeeded in 53m55s');
    // Events after close are ignored instead of drawing on a terminal that was given back.
    const after = screen.writes.length;
    reporter.onEvent(events[0]);
    await sleep(2 * REDRAW_INTERVAL_MS);
    expect(screen.writes.length).toBe(after);
  });
});

describe('InterruptKeys', () => {
  it('turns q and Ctrl-C into stop requests and ignores other keys', async () => {
    let stops = 0;
    const view = render(<InterruptKeys onStop={() => stops++} />);
    await sleep(20);
    view.stdin.write('x');
    view.stdin.write('q');
    await sleep(20);
    view.stdin.write('\u0003');
    await sleep(20);
    expect(stops).toBe(2);
    view.unmount();
  });
});
