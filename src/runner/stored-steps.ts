// Planning against a store other than the local cache folder: the planner looked only at this
// machine's cache, so a step whose output another machine published to the store is cached too,
// and a step that runs starts from whatever work the store holds (checkpoints saved elsewhere).
import type { Store } from '../store/store.ts';
import type { Plan } from './plan.ts';

export async function withStoredSteps(plan: Plan, store: Store, forced: string[] = []): Promise<Plan> {
  const steps = await Promise.all(
    plan.steps.map(async (s) => {
      if (s.decision === 'cached' || forced.includes(s.name)) return s;
      const stored = await store.lookup(s.build.key);
      if (stored?.outputId === s.build.outputId) return { ...s, decision: 'cached' as const, reason: `cached: in ${store.url}` };
      // 'fresh' from the planner means only "nothing in the local cache" (see Store.prepareWork).
      return { ...s, start: 'resume' as const };
    }),
  );
  return { ...plan, steps };
}
