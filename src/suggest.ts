/**
 * "Did you mean" suggestions: the closest candidate by edit distance, if close enough. The scan
 * is indexed: candidates are bucketed by length (a name whose length differs by more than the
 * best distance so far cannot be closer), and each distance stops as soon as it exceeds that bound.
 */

/** How many distances were computed (the index is proven by counting, not timing). */
export const suggestCounter = { distances: 0 };

export function editDistance(a: string, b: string, bound = Infinity): number {
  suggestCounter.distances++;
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    let rowMin = dp[0];
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
      if (dp[j]! < rowMin) rowMin = dp[j]!;
    }
    // Every later row is at least this row's minimum.
    if (rowMin > bound) return bound + 1;
  }
  return dp[b.length]!;
}

interface SuggestIndex {
  /** Candidates by length: [original, lower-case, position in the list]. */
  byLength: Map<number, Array<[string, string, number]>>;
  /** Lengths present, ascending. */
  lengths: number[];
}

const indexes = new WeakMap<object, SuggestIndex>();

function buildIndex(candidates: Iterable<string>): SuggestIndex {
  const byLength = new Map<number, Array<[string, string, number]>>();
  let pos = 0;
  for (const c of candidates) {
    let bucket = byLength.get(c.length);
    if (!bucket) byLength.set(c.length, (bucket = []));
    bucket.push([c, c.toLowerCase(), pos++]);
  }
  return { byLength, lengths: [...byLength.keys()].sort((a, b) => a - b) };
}

/** The index of a candidate list, built once per list object (arrays a caller keeps are reused). */
function indexOf(candidates: Iterable<string>): SuggestIndex {
  const key = candidates as unknown as object;
  let idx = indexes.get(key);
  if (!idx) {
    idx = buildIndex(candidates);
    indexes.set(key, idx);
  }
  return idx;
}

export function closest(input: string, candidates: Iterable<string>, maxRatio = 0.5): string | undefined {
  const lower = input.toLowerCase();
  const limit = Math.max(2, Math.ceil(input.length * maxRatio));
  const idx = indexOf(candidates);
  let best: string | undefined;
  let bestD = limit;
  let bestPos = Infinity;
  // Nearest lengths first: equal length, then ±1, ±2 …, each only while it can still win.
  const order = [...idx.lengths].sort(
    (a, b) => Math.abs(a - input.length) - Math.abs(b - input.length) || a - b,
  );
  for (const len of order) {
    if (Math.abs(len - input.length) > bestD) break;
    for (const [c, cl, pos] of idx.byLength.get(len)!) {
      const d = editDistance(lower, cl, bestD);
      // Ties go to the earlier candidate, as a plain scan in list order would choose.
      if (d < bestD || (d === bestD && pos < bestPos)) {
        bestD = d;
        best = c;
        bestPos = pos;
      }
    }
  }
  return best !== undefined && bestD <= limit ? best : undefined;
}
