// Why a step runs, in words, from the difference between its last build and the current one.
import { canonicalJson } from '../util/hash.ts';
import type { BuildRecord } from './build-record.ts';

const show = (v: unknown) => (v === undefined ? '(unset)' : canonicalJson(v));

function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).sort();
}

export function whyRuns(prev: BuildRecord | undefined, cur: BuildRecord): string {
  if (!prev) return 'never run';
  const why: string[] = [];
  if (prev.kind !== cur.kind) why.push(`kind ${prev.kind} → ${cur.kind}`);
  if (prev.version !== cur.version) why.push(`step version ${prev.version} → ${cur.version}`);
  for (const k of changedKeys(prev.params, cur.params)) why.push(`param ${k}: ${show(prev.params[k])} → ${show(cur.params[k])}`);
  for (const k of changedKeys(prev.inputs, cur.inputs)) {
    why.push(prev.inputs[k] === undefined ? `new input ${k}` : cur.inputs[k] === undefined ? `input ${k} dropped` : `input ${k} changed`);
  }
  for (const k of changedKeys(prev.upstream, cur.upstream)) why.push(`upstream ${k} changed`);
  if (!why.length) {
    for (const k of changedKeys(prev.budget, cur.budget)) why.push(`budget ${k}: ${show(prev.budget[k])} → ${show(cur.budget[k])}`);
  }
  return why.join('; ') || 'output missing from the cache';
}
