/**
 * IAM wildcard matching (`*` any run, `?` one character, case-insensitive as IAM compares
 * action names) and two pattern-vs-pattern relations the lint needs for resources.
 */
const regexCache = new Map<string, RegExp>();

function escape(ch: string): string {
  return /[\\^$.|+()[\]{}]/.test(ch) ? `\\${ch}` : ch;
}

/** A compiled, anchored, case-insensitive matcher for one IAM wildcard pattern (cached). */
export function wildcardRegExp(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    let src = '';
    for (const ch of pattern) src += ch === '*' ? '.*' : ch === '?' ? '.' : escape(ch);
    re = new RegExp(`^${src}$`, 'is');
    regexCache.set(pattern, re);
  }
  return re;
}

export function matchesWildcard(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (!hasWildcard(pattern))
    return pattern.length === value.length && pattern.toLowerCase() === value.toLowerCase();
  return wildcardRegExp(pattern).test(value);
}

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

const coverCache = new Map<string, RegExp>();

/**
 * Whether every string matched by `inner` is also matched by `outer`. `inner`'s wildcards are
 * taken as literal characters that `outer` must absorb: `*` in outer absorbs anything, `?` in
 * outer only a non-`*` character. Sound for the shapes found in policies (prefix globs).
 */
export function globCovers(outer: string, inner: string): boolean {
  if (outer === '*') return true;
  let re = coverCache.get(outer);
  if (!re) {
    let src = '';
    for (const ch of outer) src += ch === '*' ? '.*' : ch === '?' ? '[^*]' : escape(ch);
    re = new RegExp(`^${src}$`, 'is');
    coverCache.set(outer, re);
  }
  return re.test(inner);
}

/** In a pattern given to globsIntersect: a run of any characters except `/`. */
export const SEGMENT = '\u0001';

const starLike = (c: string | undefined): boolean => c === '*' || c === SEGMENT;

/**
 * Whether some string matches both wildcard patterns (product automaton reachability).
 * Besides `*` and `?`, SEGMENT stands for a run without `/`.
 */
export function globsIntersect(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  if (!hasWildcard(a) && !a.includes(SEGMENT) && !b.includes(SEGMENT)) return matchesWildcard(b, a);
  if (!hasWildcard(b) && !a.includes(SEGMENT) && !b.includes(SEGMENT)) return matchesWildcard(a, b);
  const A = a.toLowerCase();
  const B = b.toLowerCase();
  const seen = new Set<number>();
  const stack: Array<[number, number]> = [[0, 0]];
  const W = B.length + 1;
  while (stack.length) {
    const [i, j] = stack.pop()!;
    const k = i * W + j;
    if (seen.has(k)) continue;
    seen.add(k);
    if (i === A.length && j === B.length) return true;
    // A star may match the empty string.
    if (starLike(A[i])) stack.push([i + 1, j]);
    if (starLike(B[j])) stack.push([i, j + 1]);
    if (i < A.length && j < B.length) {
      const ca = A[i]!;
      const cb = B[j]!;
      const wa = starLike(ca) || ca === '?';
      const wb = starLike(cb) || cb === '?';
      const slashBlocked = (ca === SEGMENT && cb === '/') || (cb === SEGMENT && ca === '/');
      if (!slashBlocked && (wa || wb || ca === cb))
        stack.push([starLike(ca) ? i : i + 1, starLike(cb) ? j : j + 1]);
    }
  }
  return false;
}
