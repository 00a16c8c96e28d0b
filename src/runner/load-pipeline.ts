// Reads a pipeline file into a validated Pipeline, or throws PipelineProblems with one located
// problem per mistake. Touches nothing but the file it reads.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { INSIDE_FOLDER, type StepKind } from '../steps/contract.ts';
import { hasStepKind, loadStepKind, stepKindNames } from '../steps/registry.ts';
import { findCycle, topoOrder } from './dag.ts';
import { didYouMean } from './nearest-name.ts';
import type { Override } from './overrides.ts';
import { resolveParamRefs } from './param-refs.ts';
import type { Pipeline, PipelineStep } from './pipeline.ts';
import { pipelineSchema } from './pipeline-schema.ts';
import { PipelineProblems, type Problem } from './problems.ts';
import { Locator } from './yaml-locations.ts';

const ajv = new Ajv({ allErrors: true, verbose: true, useDefaults: true, allowUnionTypes: true });
const validatePipeline = ajv.compile(pipelineSchema());
const stepValidators = new Map<string, ValidateFunction>();

function stepValidator(kind: StepKind<unknown>): ValidateFunction {
  let v = stepValidators.get(kind.kind);
  if (!v) stepValidators.set(kind.kind, (v = ajv.compile(kind.paramsSchema)));
  return v;
}

function pointerToPath(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function schemaProblems(errors: ErrorObject[], base: string[], loc: Locator): Problem[] {
  return errors
    .filter((e) => e.keyword !== 'if')
    .map((e) => {
      const path = [...base, ...pointerToPath(e.instancePath)];
      const label = path.join('.') || 'pipeline';
      if (e.keyword === 'additionalProperties') {
        const key = (e.params as { additionalProperty: string }).additionalProperty;
        const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
        return { where: loc.key([...path, key]), message: `unknown key '${key}' in ${label}${didYouMean(key, allowed)}` };
      }
      if (e.keyword === 'propertyNames') return null;
      if (e.keyword === 'pattern' && e.parentSchema === undefined) return null;
      if (e.keyword === 'pattern' && e.schema === INSIDE_FOLDER) {
        return { where: loc.value(path), message: `${label} must stay inside its folder (a relative path without '..'): ${JSON.stringify(e.data)}` };
      }
      const where = e.keyword === 'required' ? loc.value(path) : loc.value(path);
      const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
      return { where, message: `${label} ${e.message}${allowed}` };
    })
    .filter((p): p is Problem => p !== null);
}

export async function loadPipeline(file: string, overrides: Override[] = []): Promise<Pipeline> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PipelineProblems([{ where: file, message: `cannot read: ${(err as Error).message}` }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const overridden = new Map<string, string>();
  const loc = new Locator(file, doc, lines, overridden);
  if (doc.errors.length) {
    // Duplicate keys are independent problems; after the first syntax error the parser's further
    // complaints are consequences of it (hundreds of lines for one missing quote), so keep one.
    const firstSyntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
    const shown = doc.errors.filter((e) => e.code === 'DUPLICATE_KEY' || e === firstSyntax);
    throw new PipelineProblems(
      shown.map((e) => ({
        where: loc.at(e.pos[0]),
        message: e.code === 'DUPLICATE_KEY' ? e.message.replace(/ at line.*$/s, '') : `not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const top = doc.toJS() as unknown;
  if (!top || typeof top !== 'object' || Array.isArray(top)) {
    throw new PipelineProblems([{ where: loc.at(0), message: 'not a pipeline: expected a YAML mapping with name and steps' }]);
  }
  const problems: Problem[] = [];
  for (const o of overrides) {
    if (o.path[0] === 'steps' && !doc.hasIn(['steps', o.path[1]])) {
      problems.push({ where: `--set ${o.label}`, message: `no step '${o.path[1]}' in ${file}` });
      continue;
    }
    doc.setIn(o.path, doc.createNode(o.value));
    overridden.set(o.path.join('\0'), o.label);
  }
  const raw = doc.toJS() as Record<string, unknown>;
  if (!validatePipeline(raw)) problems.push(...schemaProblems(validatePipeline.errors ?? [], [], loc));
  if (problems.length) throw new PipelineProblems(problems);

  const params = (raw.params ?? {}) as Record<string, unknown>;
  const stepsRaw = raw.steps as Record<string, { kind: string; needs?: string[]; with?: unknown; resources?: PipelineStep['resources'] }>;
  // Only the kinds this pipeline uses are imported: every step module costs start-up time.
  const used = [...new Set(Object.values(stepsRaw).map((s) => s.kind))].filter(hasStepKind);
  const kinds = new Map(await Promise.all(used.map(async (k) => [k, await loadStepKind(k)] as const)));
  const names = Object.keys(stepsRaw);
  const steps = new Map<string, PipelineStep>();
  for (const [name, s] of Object.entries(stepsRaw)) {
    const at = ['steps', name];
    const kind = kinds.get(s.kind);
    if (!kind) {
      problems.push({ where: loc.value([...at, 'kind']), message: `unknown step kind '${s.kind}'${didYouMean(s.kind, stepKindNames())}` });
    }
    (s.needs ?? []).forEach((n, i) => {
      if (!stepsRaw[n]) problems.push({ where: loc.value([...at, 'needs', i]), message: `step '${name}' needs '${n}', which is not a step${didYouMean(n, names)}` });
    });
    const before = problems.length;
    const resolved = resolveParamRefs(s.with ?? {}, params, (path, ref) =>
      problems.push({ where: loc.value([...at, 'with', ...path]), message: `undefined \${params.${ref}} (params has: ${Object.keys(params).join(', ') || 'nothing'})` }),
    ) as Record<string, unknown>;
    // A missing ${params.x} would also fail the schema; one message is enough.
    if (kind && problems.length === before) {
      const validate = stepValidator(kind);
      if (!validate(resolved)) problems.push(...schemaProblems(validate.errors ?? [], [...at, 'with'], loc));
    }
    steps.set(name, { name, kind: s.kind, needs: s.needs ?? [], params: resolved, resources: s.resources });
  }
  const needs = new Map(names.map((n) => [n, stepsRaw[n]!.needs ?? []]));
  const cycle = findCycle(needs);
  if (cycle) problems.push({ where: loc.value(['steps', cycle[0]!, 'needs']), message: `dependency cycle: ${cycle.join(' → ')} (→ = needs)` });
  if (problems.length) throw new PipelineProblems(problems);

  const abs = resolve(file);
  return {
    file: abs,
    projectDir: dirname(abs),
    name: raw.name as string,
    backend: (raw.backend as string | undefined) ?? 'auto',
    params,
    resources: raw.resources as Pipeline['resources'],
    ...(raw.timeout !== undefined ? { timeout: raw.timeout as number } : {}),
    ...(raw.executor !== undefined ? { executor: raw.executor as Pipeline['executor'] } : {}),
    steps: topoOrder(needs).map((n) => steps.get(n)!),
  };
}
