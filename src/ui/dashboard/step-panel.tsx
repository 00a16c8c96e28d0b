// The live view of one running step: progress bar with rate and ETA, training metrics with a
// loss sparkline, the latest attention alignment, and the step's last log lines.
import { Box, Text } from 'ink';
import { memo } from 'react';
import { formatDuration, formatRate, formatValue, progressBar, sparkline } from './format.ts';
import { HEATMAP_WIDTH, progressRate, type ProgressView, type StepView } from './state.ts';

/** Terminal width from which the alignment heatmap sits beside the metrics instead of below. */
export const SIDE_BY_SIDE_WIDTH = 100;
const LOSS_TERMS = ['loss', 'l1', 'bd', 'att'];
const TRAINING_STATE = ['lr', 'diagonality'];
const SHORT_NAMES: Record<string, string> = { diagonality: 'diag' };

function ProgressLine({ name, progress, width }: { name: string; progress?: ProgressView; width: number }) {
  if (!progress) {
    return (
      <Text wrap="truncate-end" color="cyan">
        {` ${name}  starting…`}
      </Text>
    );
  }
  const fraction = progress.total > 0 ? progress.done / progress.total : 0;
  const rate = progressRate(progress);
  const eta = rate ? ` · ETA ${formatDuration((progress.total - progress.done) / rate)}` : '';
  const barWidth = Math.max(10, Math.min(30, width - 66));
  return (
    <Text wrap="truncate-end">
      <Text color="cyan" bold>{` ${name}  `}</Text>
      <Text color="cyan">{progressBar(fraction, barWidth)}</Text>
      {` ${`${Math.floor(fraction * 100)}%`.padStart(4)}  ${progress.done}/${progress.total} ${progress.unit ?? ''}`}
      <Text dimColor>{rate ? ` · ${formatRate(rate, progress.unit)}${eta}` : ''}</Text>
    </Text>
  );
}

function MetricLine({ names, metrics }: { names: string[]; metrics: Record<string, number> }) {
  return (
    <Text wrap="truncate-end">
      {'   '}
      {names.map((name) => (
        <Text key={name}>
          <Text dimColor>{SHORT_NAMES[name] ?? name} </Text>
          <Text bold>{formatValue(metrics[name])}</Text>
          {'  '}
        </Text>
      ))}
    </Text>
  );
}

function Details({ step }: { step: StepView }) {
  const names = Object.keys(step.metrics);
  const losses = [...LOSS_TERMS.filter((n) => n in step.metrics), ...names.filter((n) => ![...LOSS_TERMS, ...TRAINING_STATE].includes(n))];
  const training = TRAINING_STATE.filter((n) => n in step.metrics);
  return (
    <>
      {losses.length > 0 && <MetricLine names={losses} metrics={step.metrics} />}
      {training.length > 0 && <MetricLine names={training} metrics={step.metrics} />}
      {step.lossHistory.length > 1 && (
        <Text wrap="truncate-end">
          <Text dimColor>{'   loss '}</Text>
          <Text color="magenta">{sparkline(step.lossHistory, HEATMAP_WIDTH)}</Text>
        </Text>
      )}
      {step.logs.map((line, index) => (
        <Text key={index} wrap="truncate-end" color={line.level === 'warn' ? 'yellow' : undefined} dimColor={line.level !== 'warn'}>
          {`   ${line.level === 'warn' ? 'warning: ' : ''}${line.message}`}
        </Text>
      ))}
    </>
  );
}

function Alignment({ lines }: { lines: string[] }) {
  return (
    <Box flexDirection="column" flexShrink={0} width={HEATMAP_WIDTH + 4}>
      <Text wrap="truncate-end" dimColor>
        {'   alignment (text ↑, frames →)'}
      </Text>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          <Text dimColor>{'  │'}</Text>
          <Text color="yellow">{line}</Text>
        </Text>
      ))}
    </Box>
  );
}

// Memoised: the reducer keeps a step's object while nothing of it changes, so a report from one
// training step does not re-render the other's panel.
export const StepPanel = memo(function StepPanel({ step, width }: { step: StepView; width: number }) {
  const alignment = step.alignment && <Alignment lines={step.alignment} />;
  return (
    <Box flexDirection="column" marginTop={1} width={width}>
      <ProgressLine name={step.name} progress={step.progress} width={width} />
      {width >= SIDE_BY_SIDE_WIDTH ? (
        <Box flexDirection="row" width={width}>
          <Box flexDirection="column" flexGrow={1} flexShrink={1} width={width - HEATMAP_WIDTH - 4}>
            <Details step={step} />
          </Box>
          {alignment}
        </Box>
      ) : (
        <>
          <Details step={step} />
          {alignment}
        </>
      )}
    </Box>
  );
});
