/** The indexed did-you-mean: the same answer as a plain scan, with far fewer distances computed. */
import { allManagedPolicyNames } from '../../../src/catalog/managed.js';
import { closest, editDistance, suggestCounter } from '../../../src/suggest.js';

/** The plain scan the index replaces: every candidate, first of the closest wins. */
function plain(input: string, candidates: string[], maxRatio = 0.5): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.ceil(input.length * maxRatio)) ? best : undefined;
}

/** Typos made deterministically from real names: a swap, a drop, a doubled letter, a case change. */
function typos(names: string[]): string[] {
  return names.flatMap((n, i) => {
    const k = (i * 7) % Math.max(1, n.length - 1);
    return [
      n.slice(0, k) + (n[k + 1] ?? '') + n[k] + n.slice(k + 2),
      n.slice(0, k) + n.slice(k + 1),
      n.slice(0, k) + n[k] + n.slice(k),
      n.toLowerCase(),
      `${n}Xyz`,
    ];
  });
}

test('same suggestion as the plain scan over the AWS managed policy names, for 40 typos and misses', () => {
  // A slice keeps the plain scan (every distance in full) quick.
  const names = allManagedPolicyNames().slice(0, 300);
  const inputs = [
    ...typos(names.filter((_, i) => i % 37 === 0)).slice(0, 36),
    'Nothing',
    'x',
    'ReadOnly',
    'Admin',
  ];
  for (const input of inputs)
    expect([input, closest(input, names, 0.4)]).toEqual([input, plain(input, names, 0.4)]);
});

test('a near miss among 1,000+ names computes a small fraction of the distances', () => {
  const names = allManagedPolicyNames();
  expect(names.length).toBeGreaterThan(1000);
  closest('warmup', names, 0.4); // the index is built once per list
  const before = suggestCounter.distances;
  expect(closest('ReadOnlyAcess', names, 0.4)).toBe('ReadOnlyAccess');
  const used = suggestCounter.distances - before;
  expect(used).toBeLessThan(names.length / 4);
});

test('ties keep the candidate listed first; nothing close enough gives undefined', () => {
  expect(closest('abc', ['abcd', 'ab'])).toBe('abcd');
  expect(closest('abc', ['ab', 'abcd'])).toBe('ab');
  expect(closest('completely-different', ['abc', 'xyz'])).toBeUndefined();
});
