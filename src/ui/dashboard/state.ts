// The dashboard's view state and the pure reducer that folds the runner's events into it.
import type { PlannedStep, RunEvent, RunState, StepState } from '../../runner/events.ts';
import { rateOf } from '../../runner/live-steps.ts';
import { shadeAlignment, type AlignmentMatrix } from './heatmap.ts';

/** Size of the terminal heatmap of the attention alignment, in character cells. */
export const HEATMAP_WIDTH = 40;
export const HEATMAP_HEIGHT = 12;
/** How many loss values the sparkline keeps, log lines per step and warnings per run. */
const LOSS_HISTORY = 60;
const LOG_LINES = 3;
const WARNINGS = 3;
/** Progress samples the rate is measured over. */
const RATE_WINDOW = 10;
/**
 * Artifacts kept per kind (the summary lists the last few and counts the rest): a long run
 * announces a picture per plot and a preview per checkpoint, and the state must stay bounded.
 */
export const ARTIFACTS_PER_KIND = 20;

export interface ProgressView {
  done: number;
  total: number;
  unit?: string;
  /** Recent (time ms, done) samples; the rate is measured between the first and the last. */
  samples: { time: number; done: number }[];
}

export interface StepView extends PlannedStep {
  state: StepState;
  startedAt?: number;
  endedAt?: number;
  error?: string;
  /** The machine running it, when not this one (bullmq executor). */
  worker?: string;
  /** Path of the step's log file, from the step event that ended it. */
  logPath?: string;
  progress?: ProgressView;
  /** Latest value of every metric, in the order they first came. */
  metrics: Record<string, number>;
  /** Recent values of the `loss` metric, oldest first. */
  lossHistory: number[];
  /** Last log lines of the step. */
  logs: { level: 'info' | 'warn'; message: string }[];
  /** The latest alignment shaded for the terminal, last text position on the first line. */
  alignment?: string[];
}

export interface ArtifactView {
  step: string;
  path: string;
  kind: string;
  label?: string;
}

export interface DashboardState {
  pipeline: string;
  run: RunState;
  message?: string;
  startedAt?: number;
  endedAt?: number;
  /** Latest clock reading (event times and ticks), ms. */
  now: number;
  steps: StepView[];
  /** Artifacts in order of their latest announcement, one per path, the last ARTIFACTS_PER_KIND of each kind. */
  artifacts: ArtifactView[];
  /** Per kind, how many older artifacts were let go of to keep `artifacts` bounded. */
  earlierArtifacts: Record<string, number>;
  /** The run's last warnings. */
  warnings: { step: string; message: string }[];
  /** How many times the user asked to stop (q or Ctrl-C). */
  interrupts: number;
}

/** What the dashboard folds: the runner's events plus its own clock, key and file reads. */
export type DashboardAction =
  | RunEvent
  | { type: 'tick'; time: number }
  | { type: 'interrupt' }
  | { type: 'alignment'; step: string; matrix: AlignmentMatrix };

export function initialState(): DashboardState {
  return { pipeline: '', run: 'planning', now: 0, steps: [], artifacts: [], earlierArtifacts: {}, warnings: [], interrupts: 0 };
}

function planned(step: PlannedStep): StepView {
  return {
    ...step,
    state: step.decision === 'cached' ? 'cached' : 'pending',
    metrics: {},
    lossHistory: [],
    logs: [],
  };
}

function updateStep(state: DashboardState, name: string, change: (step: StepView) => StepView): DashboardState {
  if (!state.steps.some((s) => s.name === name)) return state;
  return { ...state, steps: state.steps.map((s) => (s.name === name ? change(s) : s)) };
}

const ENDED: readonly StepState[] = ['succeeded', 'failed', 'interrupted'];

export function applyEvent(state: DashboardState, action: DashboardAction): DashboardState {
  const at = 'time' in action ? { ...state, now: Math.max(state.now, action.time) } : state;
  switch (action.type) {
    case 'tick':
      return at;
    case 'interrupt':
      return { ...at, interrupts: at.interrupts + 1 };
    case 'run': {
      const next: DashboardState = { ...at, pipeline: action.pipeline, run: action.state, message: action.message };
      if (action.steps) next.steps = action.steps.map(planned);
      if (action.state === 'running' && next.startedAt === undefined) next.startedAt = action.time;
      if (action.state === 'succeeded' || action.state === 'failed' || action.state === 'interrupted') next.endedAt = action.time;
      return next;
    }
    case 'step': {
      const { workDir, output } = action;
      // Publishing renamed the work dir the step announced its files in: point at the entry.
      const moved = workDir && output
        ? { ...at, artifacts: at.artifacts.map((a) => (a.step === action.step && a.path.startsWith(workDir + '/') ? { ...a, path: output + a.path.slice(workDir.length) } : a)) }
        : at;
      return updateStep(moved, action.step, (s) => ({
        ...s,
        state: action.state,
        reason: action.reason ?? s.reason,
        error: action.error ?? s.error,
        logPath: action.log ?? s.logPath,
        worker: action.worker ?? s.worker,
        startedAt: action.state === 'running' ? action.time : s.startedAt,
        endedAt: ENDED.includes(action.state) ? action.time : s.endedAt,
      }));
    }
    case 'progress':
      return updateStep(at, action.step, (s) => ({
        ...s,
        progress: {
          done: action.done,
          total: action.total,
          unit: action.unit,
          samples: [...(s.progress?.samples ?? []), { time: action.time, done: action.done }].slice(-RATE_WINDOW),
        },
      }));
    case 'metric':
      return updateStep(at, action.step, (s) => ({
        ...s,
        metrics: { ...s.metrics, [action.name]: action.value },
        lossHistory: action.name === 'loss' ? [...s.lossHistory, action.value].slice(-LOSS_HISTORY) : s.lossHistory,
      }));
    case 'log': {
      const logged = updateStep(at, action.step, (s) => ({
        ...s,
        logs: [...s.logs, { level: action.level, message: action.message }].slice(-LOG_LINES),
      }));
      if (action.level !== 'warn') return logged;
      return { ...logged, warnings: [...logged.warnings, { step: action.step, message: action.message }].slice(-WARNINGS) };
    }
    case 'artifact': {
      const { step, path, kind, label } = action;
      const artifacts = [...at.artifacts.filter((a) => a.path !== path), { step, path, kind, label }];
      const ofKind = artifacts.filter((a) => a.kind === kind);
      if (ofKind.length <= ARTIFACTS_PER_KIND) return { ...at, artifacts };
      const oldest = ofKind[0]!;
      return {
        ...at,
        artifacts: artifacts.filter((a) => a !== oldest),
        earlierArtifacts: { ...at.earlierArtifacts, [kind]: (at.earlierArtifacts[kind] ?? 0) + 1 },
      };
    }
    case 'watch': // the watch's own lines are printed above the frame
      return at;
    case 'alignment':
      return updateStep(at, action.step, (s) => ({ ...s, alignment: shadeAlignment(action.matrix, HEATMAP_WIDTH, HEATMAP_HEIGHT) }));
  }
}

/** Units per second over the recent progress samples, or undefined before two samples. */
export const progressRate = (progress: ProgressView): number | undefined => rateOf(progress.samples);

/** Seconds a step has run (so far, if it still runs). */
export function stepSeconds(step: StepView, now: number): number | undefined {
  if (step.startedAt === undefined) return undefined;
  return ((step.endedAt ?? now) - step.startedAt) / 1000;
}
