// The run's final state and where its artifacts are, shown once the run is over.
import { Box, Text } from 'ink';
import { ALIGNMENT_MATRIX_LABEL } from '../../training/alignment-matrix.ts';
import { displayPath } from '../../util/display-path.ts';
import { formatDuration } from './format.ts';
import type { ArtifactView, DashboardState } from './state.ts';

/** Artifact groups in display order; the machine-readable alignment matrices are left out. */
const GROUPS: { kind: string; title: string }[] = [
  { kind: 'checkpoint', title: 'checkpoints' },
  { kind: 'audio', title: 'audio' },
  { kind: 'image', title: 'images' },
  { kind: 'table', title: 'tables' },
  { kind: 'other', title: 'files' },
];
/** Latest artifacts listed per group; the rest are counted. */
const PER_GROUP = 4;
/** Artifacts for the dashboard itself, not for the person (the heatmap's numbers). */
const HIDDEN_LABELS = [ALIGNMENT_MATRIX_LABEL];

const RUN_COLOUR = { succeeded: 'green', failed: 'red', interrupted: 'yellow', running: 'cyan', planning: 'cyan' } as const;

function ArtifactGroup({ title, artifacts, earlier, cwd }: { title: string; artifacts: ArtifactView[]; earlier: number; cwd?: string }) {
  const shown = artifacts.slice(-PER_GROUP);
  const more = artifacts.length - shown.length + earlier;
  return (
    <>
      {shown.map((a, index) => (
        <Text key={a.path} wrap="truncate-middle">
          <Text dimColor>{`   ${(index === 0 ? title : '').padEnd(12)}`}</Text>
          {displayPath(a.path, cwd)}
        </Text>
      ))}
      {more > 0 && <Text dimColor>{`   ${''.padEnd(12)}… and ${more} earlier`}</Text>}
    </>
  );
}

export function Summary({ state, cwd }: { state: DashboardState; cwd?: string }) {
  const seconds = state.startedAt !== undefined && state.endedAt !== undefined ? (state.endedAt - state.startedAt) / 1000 : undefined;
  const failed = state.steps.filter((s) => s.state === 'failed');
  const visible = state.artifacts.filter((a) => !HIDDEN_LABELS.includes(a.label ?? ''));
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end" bold color={RUN_COLOUR[state.run]}>
        {`Run ${state.run}${seconds !== undefined ? ` in ${formatDuration(seconds)}` : ''}`}
        {state.message ? <Text bold={false}>{` — ${state.message}`}</Text> : null}
      </Text>
      {failed.map((s) => (
        <Text key={s.name} wrap="truncate-end" color="red">
          {`   ${s.name}: ${(s.error ?? 'failed').split('\n')[0]}${s.logPath ? ` (log: ${displayPath(s.logPath, cwd)})` : ''}`}
        </Text>
      ))}
      {visible.length > 0 && <Text bold>Artifacts</Text>}
      {GROUPS.map(({ kind, title }) => {
        const artifacts = visible.filter((a) => a.kind === kind);
        return artifacts.length > 0 ? <ArtifactGroup key={kind} title={title} artifacts={artifacts} earlier={state.earlierArtifacts[kind] ?? 0} cwd={cwd} /> : null;
      })}
    </Box>
  );
}
