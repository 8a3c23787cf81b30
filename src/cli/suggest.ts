/** Edits (insert, delete, replace, swap two neighbours) between two words. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((d[i - 1]?.[j] ?? 0) + 1, (d[i]?.[j - 1] ?? 0) + 1, (d[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (d[i - 2]?.[j - 2] ?? 0) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return d[a.length]?.[b.length] ?? 0;
}

/**
 * The known words a mistyped one most likely meant: the closest within a third of its length in
 * edits (at least one, at most three), or the only known word it is a prefix of. None when nothing is close.
 */
export function closest(word: string, known: readonly string[]): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  const scored = known.map((k) => ({ k, d: editDistance(word.toLowerCase(), k.toLowerCase()) })).filter((s) => s.d <= limit);
  const best = Math.min(...scored.map((s) => s.d));
  if (scored.length > 0)
    return scored
      .filter((s) => s.d === best)
      .map((s) => s.k)
      .sort();
  const prefixed = known.filter((k) => k.startsWith(word) && word.length >= 3);
  return prefixed.length === 1 ? prefixed : [];
}

/** `; did you mean x?` (or `x or y?` when two are as close), or nothing. */
export function didYouMean(word: string, known: readonly string[]): string {
  const guesses = closest(word, known);
  return guesses.length === 0 ? '' : `; did you mean ${guesses.join(' or ')}?`;
}
