// Dependency order of steps and cycle detection.

/** A cycle as a list of names whose last element repeats the first, or undefined. */
export function findCycle(needs: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of needs.get(n) ?? []) {
      if (!needs.has(d)) continue;
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of needs.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}

/** Names in an order where every step comes after its needs (stable w.r.t. file order). */
export function topoOrder(needs: Map<string, string[]>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of needs.get(n) ?? []) visit(d);
    out.push(n);
  };
  for (const n of needs.keys()) visit(n);
  return out;
}

/** `names` plus every step that depends on them, directly or not. */
export function downstreamOf(needs: Map<string, string[]>, names: string[]): Set<string> {
  const out = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [n, ds] of needs) if (!out.has(n) && ds.some((d) => out.has(d))) grew = out.add(n) !== undefined;
  }
  return out;
}
