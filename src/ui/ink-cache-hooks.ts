// A module hook (node:module register, installed by loadDashboard before Ink loads) that bounds two
// caches inside Ink. Ink 6 remembers every distinct string it has measured (measure-text.js, a Map)
// or wrapped (wrap-text.js, a plain object) and never forgets one (vadimdemedes/ink#986): a
// dashboard whose numbers change a few times a second adds several KB a second, for as long as the
// run lasts. Here both become maps that drop their oldest entry past LIMIT (a miss only costs a
// re-measure). An Ink whose sources differ from what is expected here is loaded as it is, and
// test/ui/dashboard-soak.test.ts would show the growth again.
import type { LoadHook } from 'node:module';

/** Entries each cache keeps: a frame measures a few dozen lines. */
const LIMIT = 1000;
const BOUNDED = `new (class extends Map { set(k, v) { super.set(k, v); if (this.size > ${LIMIT}) this.delete(this.keys().next().value); return this; } })()`;

const PATCHES: { file: string; edits: [from: string, to: string][] }[] = [
  { file: '/ink/build/measure-text.js', edits: [['const cache = new Map();', `const cache = ${BOUNDED};`]] },
  {
    file: '/ink/build/wrap-text.js',
    edits: [
      ['const cache = {};', `const cache = ${BOUNDED};`],
      ['const cachedText = cache[cacheKey];', 'const cachedText = cache.get(cacheKey);'],
      ['cache[cacheKey] = wrappedText;', 'cache.set(cacheKey, wrappedText);'],
    ],
  },
];

export const load: LoadHook = async (url, context, nextLoad) => {
  const result = await nextLoad(url, context);
  const patch = PATCHES.find((p) => url.endsWith(p.file));
  if (!patch || result.source === undefined || result.source === null) return result;
  let source = typeof result.source === 'string' ? result.source : Buffer.from(result.source as Uint8Array).toString('utf8');
  if (!patch.edits.every(([from]) => source.includes(from))) return result;
  for (const [from, to] of patch.edits) source = source.replace(from, to);
  return { ...result, source };
};
