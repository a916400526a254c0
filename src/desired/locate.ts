/**
 * Parses a policy document's JSON text and records where each statement and each
 * Action/NotAction/Resource/NotResource string sits, so findings can point at file:line.
 * Grammar checks (Effect, Version, …) are not done here; see desired/policy-file.ts.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { LocatedPolicy, PolicyDocument, Position } from '../model/policy.js';

export interface JsonSyntaxError {
  message: string;
  line: number;
  col: number;
}

/** Maps a character offset to a 1-based line and column. */
export function lineIndex(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  };
}

const ELEMENTS = ['Action', 'NotAction', 'Resource', 'NotResource'] as const;

/** Strict JSON (no comments, no trailing commas) with positions; syntax errors carry line:col. */
export function parseJsonWithPositions(text: string): { tree: Node | undefined; errors: JsonSyntaxError[] } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  // The line table is built only when there is something to place (locatePolicy builds its own).
  if (errors.length === 0) return { tree, errors: [] };
  const at = lineIndex(text);
  return {
    tree,
    errors: errors.map((e) => ({ message: printParseErrorCode(e.error), ...at(e.offset) })),
  };
}

/**
 * Builds a LocatedPolicy from already-parsed JSON. `document` is trusted to be the value of
 * `tree`; statements that are not objects get their position but no value positions.
 */
export function locatePolicy(
  name: string,
  file: string | null,
  text: string,
  tree: Node,
  document: PolicyDocument,
): LocatedPolicy {
  const at = lineIndex(text);
  const statementPositions: Position[] = [];
  const valuePositions: LocatedPolicy['valuePositions'] = [];
  const stmtNode = tree.type === 'object' ? property(tree, 'Statement') : undefined;
  const stmtNodes = stmtNode?.type === 'array' ? (stmtNode.children ?? []) : stmtNode ? [stmtNode] : [];
  for (const s of stmtNodes) {
    statementPositions.push(at(s.offset));
    const vp: LocatedPolicy['valuePositions'][number] = {};
    if (s.type === 'object') {
      for (const el of ELEMENTS) {
        const v = property(s, el);
        if (!v) continue;
        const strings = v.type === 'array' ? (v.children ?? []) : [v];
        vp[el] = strings.map((n) => at(n.offset));
      }
    }
    valuePositions.push(vp);
  }
  return { name, file, arn: null, document, statementPositions, valuePositions };
}

/** The value node of an object's property, matched case-sensitively as IAM does. */
export function property(obj: Node, key: string): Node | undefined {
  for (const p of obj.children ?? []) {
    if (p.type === 'property' && p.children?.[0]?.value === key) return p.children[1];
  }
  return undefined;
}
