// One line per pipeline step, in DAG order: icon, name, kind, state, duration, reason.
import { Text } from 'ink';
import type { StepState } from '../../runner/events.ts';
import { formatDuration } from './format.ts';
import { stepSeconds, type StepView } from './state.ts';

const LOOK: Record<StepState, { icon: string; label: string; color?: string; dim?: boolean }> = {
  pending: { icon: '·', label: 'waiting', dim: true },
  waiting: { icon: '·', label: 'waiting', dim: true },
  cached: { icon: '○', label: 'cached', dim: true },
  running: { icon: '▸', label: 'running', color: 'cyan' },
  succeeded: { icon: '✓', label: 'done', color: 'green' },
  failed: { icon: '✗', label: 'failed', color: 'red' },
  interrupted: { icon: '■', label: 'interrupted', color: 'yellow' },
};

const column = (values: string[], cap: number) => Math.min(cap, Math.max(4, ...values.map((v) => v.length)));

function durationText(step: StepView, now: number): string {
  const seconds = stepSeconds(step, now);
  if (seconds !== undefined) return formatDuration(seconds);
  if (step.state !== 'cached' && step.estimate !== undefined) return `~${formatDuration(step.estimate)}`;
  return '';
}

export function StepList({ steps, now }: { steps: StepView[]; now: number }) {
  const nameWidth = column(steps.map((s) => s.name), 18);
  const kindWidth = column(steps.map((s) => s.kind), 16);
  return (
    <>
      {steps.map((step) => {
        const look = LOOK[step.state];
        return (
          <Text key={step.name} wrap="truncate-end">
            <Text color={look.color} dimColor={look.dim}>
              {` ${look.icon} ${step.name.slice(0, nameWidth).padEnd(nameWidth)}  `}
            </Text>
            <Text dimColor>{step.kind.slice(0, kindWidth).padEnd(kindWidth)}  </Text>
            <Text color={look.color} dimColor={look.dim} bold={step.state === 'running'}>
              {look.label.padEnd(11)}
            </Text>
            {` ${durationText(step, now).padStart(7)}  `}
            {step.state === 'running' && step.worker ? <Text color="cyan">{`on ${step.worker}  `}</Text> : null}
            <Text dimColor>{step.state === 'failed' && step.error ? '' : step.reason}</Text>
            {step.state === 'failed' && step.error ? <Text color="red">{step.error.split('\n')[0]}</Text> : null}
          </Text>
        );
      })}
    </>
  );
}
