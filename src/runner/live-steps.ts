// What the coordinator remembers of each step's reports for the run snapshot (`vcpipe status`,
// `vcpipe report`): the last progress with its rate, the last value of each metric, and the files
// it announced. Bounded whatever the run's length: one progress and a few rate samples per step,
// one value per metric name, at most MAX_ARTIFACTS files per step (one per path, newest kept).
import type { RunEvent } from './events.ts';

/** Files remembered per step; older ones are still in the step's output dir. */
export const MAX_ARTIFACTS = 500;
/** The rate is measured over about this much time (ms) ... */
const RATE_SPAN_MS = 30_000;
/** ... from samples at least this far apart (ms). */
const SAMPLE_GAP_MS = 1_000;

export interface LiveProgress {
  done: number;
  total: number;
  unit?: string;
  /** When the step reported it (ms since the epoch). */
  time: number;
  /** Units per second over the last ~30 s; absent until two samples a second apart. */
  rate?: number;
}

export interface LiveArtifact {
  path: string;
  kind: string;
  label?: string;
}

interface Live {
  progress?: LiveProgress;
  samples: { time: number; done: number }[];
  metrics?: Record<string, number>;
  artifacts: Map<string, LiveArtifact>;
}

/** Units per second between the first and the last of `samples`, or undefined before two. */
export function rateOf(samples: readonly { time: number; done: number }[]): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.time <= first.time || last.done <= first.done) return undefined;
  return ((last.done - first.done) * 1000) / (last.time - first.time);
}

export class LiveSteps {
  private readonly steps = new Map<string, Live>();

  private of(step: string): Live {
    let live = this.steps.get(step);
    if (!live) this.steps.set(step, (live = { samples: [], artifacts: new Map() }));
    return live;
  }

  /** Folds one runner event in; true when it changed what the snapshot shows. */
  record(e: RunEvent): boolean {
    if (e.type === 'progress') {
      const live = this.of(e.step);
      // A restart from 0 (or a new total) starts a new measurement.
      if (live.progress && (e.done < live.progress.done || e.total !== live.progress.total)) live.samples = [];
      const last = live.samples[live.samples.length - 1];
      if (!last || e.time - last.time >= SAMPLE_GAP_MS) live.samples.push({ time: e.time, done: e.done });
      while (live.samples.length > 2 && e.time - live.samples[1]!.time >= RATE_SPAN_MS) live.samples.shift();
      const rate = rateOf([...live.samples, { time: e.time, done: e.done }]);
      live.progress = { done: e.done, total: e.total, ...(e.unit !== undefined ? { unit: e.unit } : {}), time: e.time, ...(rate !== undefined ? { rate } : {}) };
      return true;
    }
    if (e.type === 'metric') {
      const live = this.of(e.step);
      live.metrics = { ...live.metrics, [e.name]: e.value };
      return true;
    }
    if (e.type === 'artifact') {
      const { artifacts } = this.of(e.step);
      // Re-announcing a path makes it the newest (a Map keeps insertion order).
      artifacts.delete(e.path);
      artifacts.set(e.path, { path: e.path, kind: e.kind, ...(e.label !== undefined ? { label: e.label } : {}) });
      if (artifacts.size > MAX_ARTIFACTS) artifacts.delete(artifacts.keys().next().value!);
      return true;
    }
    return false;
  }

  view(step: string): { progress?: LiveProgress; metrics?: Record<string, number>; artifacts?: LiveArtifact[] } {
    const live = this.steps.get(step);
    if (!live) return {};
    return { progress: live.progress, metrics: live.metrics, artifacts: live.artifacts.size ? [...live.artifacts.values()] : undefined };
  }
}
