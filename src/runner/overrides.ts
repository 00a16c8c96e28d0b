// `--set step.param=value` / `--set params.x=value`: values parsed as YAML scalars, applied to
// the document before validation, so an override is checked and keyed like any param.
import { parse } from 'yaml';
import { PipelineProblems } from './problems.ts';

export interface Override {
  /** As typed, for messages: `text2mel.steps`. */
  label: string;
  /** Path in the pipeline document. */
  path: string[];
  value: unknown;
}

export function parseOverride(text: string): Override {
  const m = /^([A-Za-z_][\w-]*)\.([\w.-]+)=(.*)$/s.exec(text);
  if (!m) throw new PipelineProblems([{ where: `--set ${text}`, message: 'expected step.param=value or params.name=value' }]);
  const [, head, rest, raw] = m as unknown as [string, string, string, string];
  const label = `${head}.${rest}`;
  const path = head === 'params' ? ['params', ...rest.split('.')] : ['steps', head, 'with', ...rest.split('.')];
  let value: unknown;
  try {
    value = parse(raw);
  } catch {
    value = raw;
  }
  return { label, path, value: value === null && raw !== '' && raw !== 'null' && raw !== '~' ? raw : value };
}
