/** Maps a path inside the parsed YAML (as zod reports it) back to a line and column. */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface YamlPos {
  line: number;
  col: number;
}

/**
 * Position of the value at `path`, or of its key when `at` is 'key'. When the path does not
 * exist (a required key is missing) the closest existing ancestor is returned.
 */
export function yamlPosition(
  doc: Document,
  lc: LineCounter,
  path: ReadonlyArray<PropertyKey>,
  at: 'key' | 'value' = 'value',
): YamlPos {
  let node: unknown = doc.contents;
  let best: number = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(seg),
      );
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      if (keyStart !== undefined) best = keyStart;
      if (i === path.length - 1 && at === 'key') break;
      next = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    } else break;
    const start = rangeStart(next);
    if (start === undefined) break;
    best = start;
    node = next;
  }
  const p = lc.linePos(best);
  return { line: p.line, col: p.col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** `monitoring.alarms[1]`-style rendering of a path for messages. */
export function pathLabel(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `${out ? '.' : ''}${String(seg)}`;
  return out;
}
