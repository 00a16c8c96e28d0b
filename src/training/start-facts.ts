// Reads what decideStart (start-decision.ts) needs: the manifests of this step's newest checkpoint
// and of the warm start's, and the model.json of init_from. Then loads the chosen weights.
import { relative } from 'node:path';
import type { Adam } from '../models/adam.ts';
import { listCheckpoints, loadCheckpoint, readManifest } from '../models/checkpoint.ts';
import { checkpointOf, readTrainedModelDoc } from '../models/load-trained.ts';
import type { VarStore } from '../models/layers.ts';
import { UserError } from '../errors.ts';
import type { TrainingContext } from './context.ts';
import type { ResolvedTrainParams } from './params.ts';
import type { StartDecision, StartFacts } from './start-decision.ts';

export function readStartFacts(
  ctx: TrainingContext, root: string, p: ResolvedTrainParams, network: StartFacts['network'], dataset: string,
): StartFacts {
  const facts: StartFacts = { network, steps: p.steps, finetuneSteps: p.finetuneSteps, dataset };
  const latest = listCheckpoints(root).at(-1);
  if (latest) {
    const m = readManifest(latest.dir);
    facts.own = { checkpoint: latest.dir, shown: relative(ctx.outDir, latest.dir), step: m.step, target: m.extra.target, dataset: m.extra.dataset };
  }
  if (ctx.warmStart) {
    const checkpoint = checkpointOf(ctx.warmStart, readTrainedModelDoc(ctx.warmStart), 'latest');
    facts.warmStart = { from: ctx.warmStart, checkpoint, step: readManifest(checkpoint).step };
  }
  if (p.initFrom) {
    const dir = ctx.inputs[p.initFrom];
    const doc = dir ? readTrainedModelDoc(dir) : undefined;
    facts.initFrom = {
      name: p.initFrom, needs: Object.keys(ctx.inputs),
      trained: dir && doc ? { checkpoint: checkpointOf(dir, doc, 'latest'), network: doc.network, step: doc.step } : undefined,
    };
  }
  return facts;
}

/** Loads the weights the decision names into `store` (and, resuming or warm-starting, Adam's moments). */
export function loadStart(d: StartDecision, store: VarStore, adam: Adam, log: (line: string) => void): void {
  if (d.from === 'fresh') return;
  if (d.from === 'init-from') {
    try {
      loadCheckpoint(d.checkpoint, store.vars, null);
    } catch (err) {
      throw new UserError(`init_from ${d.name}: ${(err as Error).message}`);
    }
  } else loadCheckpoint(d.checkpoint, store.vars, adam);
  log(d.message);
}
