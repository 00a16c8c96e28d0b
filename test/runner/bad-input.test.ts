// Every kind of bad input: one located line each, exit 2, nothing run, no cache created.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vcpipe } from './cli-helpers.ts';

const step = (extra = '') => `    kind: shell\n    with: { run: [node, -e, "0"], outputs: [] ${extra}}\n`;

const CASES: [string, string, string | RegExp][] = [
  ['unknown step kind', `name: p\nsteps:\n  a:\n    kind: shel\n`, 'p.yaml:4:11: unknown step kind \'shel\' (did you mean \'shell\'?)'],
  ['unknown key', `name: p\nsteps:\n  a:\n${step()}    nedds: [b]\n`, "p.yaml:6:5: unknown key 'nedds' in steps.a (did you mean 'needs'?)"],
  ['wrong type', `name: p\nsteps:\n  a:\n    kind: shell\n    with: { run: [node], outputs: yes }\n`, 'p.yaml:5:35: steps.a.with.outputs must be array'],
  ['out of range', `name: p\nsteps:\n  a:\n${step(', steps: -3 ')}`, 'p.yaml:5:56: steps.a.with.steps must be >= 0'],
  ['missing needs', `name: p\nsteps:\n  a:\n${step()}    needs: [b]\n`, "p.yaml:6:13: step 'a' needs 'b', which is not a step"],
  ['cycle', `name: p\nsteps:\n  a:\n${step()}    needs: [b]\n  b:\n${step()}    needs: [a]\n`, 'p.yaml:6:12: dependency cycle: a → b → a'],
  ['undefined param', `name: p\nparams: { x: 1 }\nsteps:\n  a:\n    kind: shell\n    with: { run: ["\${params.y}"], outputs: [] }\n`, 'p.yaml:6:19: undefined ${params.y} (params has: x)'],
  ['duplicate key', `name: p\nsteps:\n  a:\n${step()}  a:\n${step()}`, 'p.yaml:6:3: Map keys must be unique'],
  ['output that climbs out of its folder', `name: p\nsteps:\n  a:\n    kind: shell\n    with: { run: [node, -e, "0"], outputs: ["../../escape.txt"] }\n`, `p.yaml:5:45: steps.a.with.outputs.0 must stay inside its folder (a relative path without '..'): "../../escape.txt"`],
  ['absolute input', `name: p\nsteps:\n  a:\n    kind: shell\n    with: { run: [node, -e, "0"], outputs: [], inputs: [/etc/hosts] }\n`, `p.yaml:5:57: steps.a.with.inputs.0 must stay inside its folder (a relative path without '..'): "/etc/hosts"`],
  ['not YAML', `name: p\nsteps: [a\n  b: {\n`, /^p\.yaml:\d+:\d+: not valid YAML/],
  ['not a pipeline', `just a sentence\n`, 'p.yaml:1:1: not a pipeline: expected a YAML mapping with name and steps'],
];

describe('bad pipelines', { timeout: 60_000 }, () => {
  it.each(CASES)('%s: located message, exit 2, cache untouched', async (_name, yaml, expected) => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-bad-'));
    writeFileSync(join(dir, 'p.yaml'), yaml);
    const r = await vcpipe(dir, ['run', 'p.yaml']);
    expect(r.exitCode).toBe(2);
    const first = r.stderr.split('\n')[0]!;
    if (typeof expected === 'string') expect(first.startsWith(expected), r.stderr).toBe(true);
    else expect(first).toMatch(expected);
    expect(existsSync(join(dir, 'cache'))).toBe(false);
  });

  it('locates a bad --set override on the command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcpipe-bad-'));
    writeFileSync(join(dir, 'p.yaml'), `name: p\nsteps:\n  a:\n${step()}`);
    const r = await vcpipe(dir, ['validate', 'p.yaml', '--set', 'a.steps=many']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--set a.steps: steps.a.with.steps must be integer');
  });
});
