// "Did you mean ...?" for unknown step kinds and keys: the candidate at the smallest edit distance.
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The nearest candidate, if it is close enough to be a plausible typo. */
export function nearestName(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  return bestDist <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export const didYouMean = (name: string, candidates: string[]): string => {
  const n = nearestName(name, candidates);
  return n ? ` (did you mean '${n}'?)` : '';
};
