/** A unified diff of two small texts (policy documents: a few hundred lines at most). */

type Edit = { kind: ' ' | '-' | '+'; line: string };

function edits(a: string[], b: string[]): Edit[] {
  // Longest common subsequence table; policies are small enough for the quadratic version.
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ kind: '-', line: a[i++]! });
    else out.push({ kind: '+', line: b[j++]! });
  }
  while (i < n) out.push({ kind: '-', line: a[i++]! });
  while (j < m) out.push({ kind: '+', line: b[j++]! });
  return out;
}

/** Unified diff body (`@@` hunks with `context` lines around each change); empty when equal. */
export function unifiedDiff(before: string, after: string, context = 3): string {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const all = edits(a, b);
  const changed = all.map((e, k) => (e.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  if (changed.length === 0) return '';
  const hunks: Array<[number, number]> = [];
  for (const k of changed) {
    const start = Math.max(0, k - context);
    const end = Math.min(all.length, k + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  const lines: string[] = [];
  for (const [start, end] of hunks) {
    const oldStart = all.slice(0, start).filter((e) => e.kind !== '+').length + 1;
    const newStart = all.slice(0, start).filter((e) => e.kind !== '-').length + 1;
    const slice = all.slice(start, end);
    const oldLen = slice.filter((e) => e.kind !== '+').length;
    const newLen = slice.filter((e) => e.kind !== '-').length;
    lines.push(
      `@@ -${oldLen ? oldStart : oldStart - 1},${oldLen} +${newLen ? newStart : newStart - 1},${newLen} @@`,
    );
    for (const e of slice) lines.push(`${e.kind}${e.line}`);
  }
  return lines.join('\n');
}
