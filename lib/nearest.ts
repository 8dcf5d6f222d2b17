/**
 * The nearest of some words to a misspelt one, by edit distance, for
 * "did you mean …?" in messages.
 *
 * @module
 */

/**
 * The number of single-character insertions, deletions, substitutions and
 * swaps of neighbours that turn `a` into `b` (optimal string alignment).
 *
 * @example
 * ```ts
 * import { editDistance } from "./nearest.ts";
 * console.log(editDistance("netwrok", "network")); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word` (case and `-`/`_` aside), when it is close
 * enough to be a likely misspelling: at most 2 edits, or a third of the word.
 *
 * @example
 * ```ts
 * import { nearest } from "./nearest.ts";
 * console.log(nearest("pids-limit", ["memory", "pids_limit"])); // "pids_limit"
 * console.log(nearest("colour", ["memory", "pids_limit"])); // undefined
 * ```
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replaceAll("-", "_");
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(fold(word), fold(candidate));
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}
