// `vcpipe check-data <file> [--step NAME]`: checks the corpus of each corpus step (ljspeech,
// speech-corpus) before anyone trains on it, against the limits of the preprocess step that reads
// it. A corpus step that is not cached runs first (alone, like `run --only`); its published
// corpus.json is then checked. Exit 1 when anything is found.
import { checkCorpus, DEFAULT_LIMITS, formatCheckReport, type CheckReport, type PreprocessLimits } from '../data/check-corpus.ts';
import { preprocessLimits, type PreprocessParams } from '../data/preprocess-corpus.ts';
import type { Pipeline } from '../runner/pipeline.ts';
import { readCorpus } from '../data/corpus-manifest.ts';
import { createPlainReporter } from '../ui/plain-reporter.ts';
import { CacheLayout } from '../runner/cache-layout.ts';
import { loadPipeline } from '../runner/load-pipeline.ts';
import { planPipeline } from '../runner/plan.ts';
import { PipelineProblems } from '../runner/problems.ts';
import { runPipeline } from '../runner/run-pipeline.ts';
import { StopRequests } from '../runner/stop-requests.ts';
import type { CliOptions } from './options.ts';
import { EXIT } from './run.ts';

const CORPUS_KINDS = ['ljspeech', 'speech-corpus'];

/** True when the report lists anything under a finding heading (what formatCheckReport prints). */
const hasFindings = (r: CheckReport) =>
  [r.tooLong, r.textTooLong, r.noText, r.characters, r.silence, r.clipping, r.rateOutliers, r.unreadable].some((list) => list.length > 0);

/** The limits of the preprocess step that reads the corpus step's output (the first, in run order). */
function limitsOf(pipeline: Pipeline, corpusStep: string): PreprocessLimits {
  const reader = pipeline.steps.find((s) => s.kind === 'preprocess' && s.needs.includes(corpusStep));
  return reader ? { step: reader.name, ...preprocessLimits(reader.params as PreprocessParams) } : DEFAULT_LIMITS;
}

export async function checkDataCommand(o: CliOptions): Promise<number> {
  const pipeline = await loadPipeline(o.file!, o.overrides);
  const cache = new CacheLayout(o.cacheDir);
  const corpusSteps = pipeline.steps.filter((s) => CORPUS_KINDS.includes(s.kind) && (o.step === undefined || s.name === o.step));
  if (corpusSteps.length === 0) {
    const why = o.step === undefined ? 'has no corpus step' : `has no corpus step named '${o.step}'`;
    throw new PipelineProblems([{ where: o.file!, message: `${why} (corpus kinds: ${CORPUS_KINDS.join(', ')})` }]);
  }
  let found = false;
  for (const step of corpusSteps) {
    const planned = (await planPipeline(pipeline, cache)).steps.find((s) => s.name === step.name)!;
    if (planned.decision === 'runs') {
      // The run's log goes to stderr, so stdout holds only the report.
      o.err(`${step.name} is not cached: running it first`);
      const stop = new StopRequests();
      const offSigint = stop.onSigint();
      try {
        const state = await runPipeline(pipeline, {
          cacheDir: o.cacheDir,
          selection: { only: step.name },
          reporter: createPlainReporter(process.stderr),
          notice: (m) => o.err(`vcpipe: ${m}`),
          stop,
        });
        if (state !== 'succeeded') return EXIT[state as keyof typeof EXIT] ?? 1;
      } finally {
        offSigint();
      }
    }
    // Running does not change the key: the entry it published is the planned one.
    const report = await checkCorpus(readCorpus(cache.entry(planned.build.key)), { limits: limitsOf(pipeline, step.name) });
    o.out(`${corpusSteps.length > 1 ? `\n== ${step.name}\n` : ''}${formatCheckReport(report)}`);
    found ||= hasFindings(report);
  }
  return found ? 1 : 0;
}
