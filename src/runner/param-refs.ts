// `${params.x}` in a step's `with:` block. A whole-value reference keeps the param's type
// (`steps: ${params.steps}` stays a number); one inside a longer string is interpolated.
// Other `${...}` forms (`${inputs.step}`, `${projectDir}`) are left for the step to resolve.
const WHOLE = /^\$\{params\.([\w.-]+)\}$/;
const INSIDE = /\$\{params\.([\w.-]+)\}/g;

function lookup(params: Record<string, unknown>, dotted: string): { found: boolean; value?: unknown } {
  let cur: unknown = params;
  for (const part of dotted.split('.')) {
    if (!cur || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return { found: false };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

/** Resolves references in `value`; calls `undefinedRef(path, name)` for each missing param. */
export function resolveParamRefs(
  value: unknown,
  params: Record<string, unknown>,
  undefinedRef: (path: (string | number)[], name: string) => void,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) {
      const r = lookup(params, whole[1]!);
      if (!r.found) undefinedRef(path, whole[1]!);
      return r.value;
    }
    return value.replace(INSIDE, (ref, name: string) => {
      const r = lookup(params, name);
      if (!r.found) undefinedRef(path, name);
      return r.found ? (typeof r.value === 'string' ? r.value : JSON.stringify(r.value)) : ref;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveParamRefs(v, params, undefinedRef, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveParamRefs(v, params, undefinedRef, [...path, k])]),
    );
  }
  return value;
}
