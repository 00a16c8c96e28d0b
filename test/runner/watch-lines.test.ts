// What a watch event says to a person: the watch's stderr lines, and the plain reporter's.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import type { WatchEvent } from '../../src/runner/events.ts';
import { watchLines } from '../../src/runner/watch-lines.ts';
import { createPlainReporter } from '../../src/ui/plain-reporter.ts';

const at = Date.UTC(2026, 0, 1, 12, 30, 5);
const ev = (e: Omit<WatchEvent, 'type' | 'time'>): WatchEvent => ({ type: 'watch', time: at, ...e });

describe('watch lines', () => {
  it('say what changed and what the watch does about it', () => {
    expect(watchLines(ev({ state: 'rerun', changed: ['a.wav', 'a.txt'] }))).toEqual(['a.wav, a.txt changed']);
    expect(watchLines(ev({ state: 'queued', changed: ['p.yaml'] }))).toEqual(['p.yaml changed', 'a run is in progress: one follow-up run is queued']);
    expect(watchLines(ev({ state: 'restarting', changed: ['x'] }))).toEqual(['x changed', 'restarting: the current run stops cleanly first']);
    expect(watchLines(ev({ state: 'invalid', problems: ['p.yaml:1:2: bad'] }))).toEqual(['p.yaml:1:2: bad', 'the pipeline is invalid: waiting for the next edit']);
    expect(watchLines(ev({ state: 'idle', watched: 1 }))).toEqual(['watching 1 path for changes (Ctrl-C to stop)']);
    expect(watchLines(ev({ state: 'idle', watched: 3 }))).toEqual(['watching 3 paths for changes (Ctrl-C to stop)']);
    expect(watchLines(ev({ state: 'stopping' }))).toEqual(['stopping the watch']);
    expect(watchLines(ev({ state: 'stopped', code: 0 }))).toEqual([]);
    expect(watchLines(ev({ state: 'stopped', code: 1, message: 'Error: boom' }))).toEqual(['watch stopped by an error: Error: boom']);
  });

  it('the plain reporter prints them with the time, and nothing for a silent one', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (b: Buffer) => (text += b.toString()));
    const r = createPlainReporter(out);
    r.onEvent(ev({ state: 'queued', changed: ['p.yaml'] }));
    r.onEvent(ev({ state: 'stopped', code: 0 }));
    expect(text).toBe('12:30:05 watch: p.yaml changed\n12:30:05 watch: a run is in progress: one follow-up run is queued\n');
  });
});
