// Name-based freezing (docs/design.md §5.5): an entry freezes every variable whose name has it as a
// whole path prefix or as a run of whole path components, so `TextEnc` freezes
// `Text2Mel/TextEnc/…` and `Text2Mel/AudioDec/HC_7` freezes that block (never `HC_70`).
export function isFrozen(name: string, freeze: readonly string[]): boolean {
  const padded = `/${name}/`;
  return freeze.some((f) => padded.includes(`/${f.replace(/^\/+|\/+$/g, '')}/`));
}

/** Freeze entries that match no variable (reported to the user as a likely typo). */
export function unmatchedFreezeEntries(names: Iterable<string>, freeze: readonly string[]): string[] {
  const all = [...names];
  return freeze.filter((f) => !all.some((n) => isFrozen(n, [f])));
}
