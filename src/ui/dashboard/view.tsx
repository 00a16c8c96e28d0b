// The pure dashboard: draws a DashboardState at a given terminal width, nothing else.
import { Box, Text } from 'ink';
import { formatDuration } from './format.ts';
import type { DashboardState } from './state.ts';
import { StepList } from './step-list.tsx';
import { StepPanel } from './step-panel.tsx';
import { Summary } from './summary.tsx';

export interface DashboardProps {
  state: DashboardState;
  /** Terminal columns; no line is longer. */
  width: number;
  /** Artifact paths inside this directory are shown relative to it. */
  cwd?: string;
}

const OVER = ['succeeded', 'failed', 'interrupted'];

function StopHint({ interrupts }: { interrupts: number }) {
  if (interrupts === 0) return <Text dimColor>q: stop</Text>;
  return (
    <Text wrap="truncate-end" color="yellow" bold>
      {interrupts === 1 ? 'Stopping: saving a checkpoint… press q again to stop now' : 'Stopping now…'}
    </Text>
  );
}

export function Dashboard({ state, width, cwd }: DashboardProps) {
  const over = OVER.includes(state.run);
  const elapsed = state.startedAt !== undefined ? formatDuration(((state.endedAt ?? state.now) - state.startedAt) / 1000) : '';
  const running = state.steps.filter((s) => s.state === 'running');
  const quietWarnings = state.warnings.filter((w) => !running.some((s) => s.name === w.step));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>vcpipe</Text>
        {`  ${state.pipeline}  `}
        <Text dimColor>{`${state.run}  ${elapsed}`}</Text>
      </Text>
      <StepList steps={state.steps} now={state.now} />
      {running.map((step) => (
        <StepPanel key={step.name} step={step} width={width} />
      ))}
      {quietWarnings.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          {quietWarnings.map((w, index) => (
            <Text key={index} wrap="truncate-end" color="yellow">{`warning  ${w.step}: ${w.message}`}</Text>
          ))}
        </Box>
      )}
      {over ? (
        <Summary state={state} cwd={cwd} />
      ) : (
        <Box marginTop={1}>
          <StopHint interrupts={state.interrupts} />
        </Box>
      )}
    </Box>
  );
}
