/**
 * An offline evaluator for the CloudWatch Logs JSON filter-pattern syntax the baseline ships:
 * `{ … }`, `$.a.b` / `$.a[0]` selectors, `=` `!=` with quoted or unquoted strings (a `*` wildcard
 * anywhere in the value), numeric `= != < <= > >=`, `NOT EXISTS`, `EXISTS`, `IS NULL`,
 * `IS TRUE|FALSE`, `&&`, `||` and parentheses. TestMetricFilter is not available in the emulator
 * and needs AWS, so the patterns are proven here before any PutMetricFilter.
 *
 * Semantics chosen where CloudWatch's documentation is silent, on the conservative side:
 * a comparison on a field that is absent (or not a scalar) never matches, `!=` included;
 * `&&` binds tighter than `||`.
 */

export type Selector = Array<string | number>;

export type PatternNode =
  | { kind: 'and' | 'or'; left: PatternNode; right: PatternNode }
  | { kind: 'compare'; selector: Selector; op: '=' | '!='; value: string; quoted: boolean }
  | { kind: 'numeric'; selector: Selector; op: '<' | '<=' | '>' | '>=' | '=' | '!='; value: number }
  | { kind: 'exists'; selector: Selector; exists: boolean }
  | { kind: 'is'; selector: Selector; value: null | boolean };

export class FilterPatternError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at character ${position + 1}`);
    this.name = 'FilterPatternError';
  }
}

type Token =
  | { t: 'lbrace' | 'rbrace' | 'lparen' | 'rparen' | 'and' | 'or'; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'selector'; v: Selector; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'word'; v: string; pos: number };

const WORD_END = /[\s(){}&|=!<>"]/;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '{' || c === '}' || c === '(' || c === ')') {
      const t = ({ '{': 'lbrace', '}': 'rbrace', '(': 'lparen', ')': 'rparen' } as const)[c];
      out.push({ t, pos: i });
      i++;
    } else if (src.startsWith('&&', i)) {
      out.push({ t: 'and', pos: i });
      i += 2;
    } else if (src.startsWith('||', i)) {
      out.push({ t: 'or', pos: i });
      i += 2;
    } else if (/^(!=|<=|>=|=|<|>)/.test(src.slice(i))) {
      const v = /^(!=|<=|>=|=|<|>)/.exec(src.slice(i))![1]!;
      out.push({ t: 'op', v, pos: i });
      i += v.length;
    } else if (c === '"') {
      const start = i;
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterPatternError('unterminated string', start);
        const ch = src[i]!;
        if (ch === '\\' && i + 1 < src.length) {
          v += src[i + 1];
          i += 2;
        } else if (ch === '"') {
          i++;
          break;
        } else {
          v += ch;
          i++;
        }
      }
      out.push({ t: 'string', v, pos: start });
    } else if (c === '$') {
      const start = i;
      i++;
      const path: Selector = [];
      while (i < src.length && (src[i] === '.' || src[i] === '[')) {
        if (src[i] === '.') {
          const m = /^\.([A-Za-z0-9_\-@:]+)/.exec(src.slice(i));
          if (!m) throw new FilterPatternError('expected a property name after "."', i);
          path.push(m[1]!);
          i += m[0].length;
        } else {
          const m = /^\[(\d+)\]/.exec(src.slice(i));
          if (!m) throw new FilterPatternError('expected an array index like [0]', i);
          path.push(Number(m[1]));
          i += m[0].length;
        }
      }
      if (path.length === 0)
        throw new FilterPatternError('a selector needs a property, e.g. $.eventName', start);
      out.push({ t: 'selector', v: path, pos: start });
    } else {
      const start = i;
      while (i < src.length && !WORD_END.test(src[i]!)) i++;
      if (i === start) throw new FilterPatternError(`unexpected "${c}"`, i);
      out.push({ t: 'word', v: src.slice(start, i), pos: start });
    }
  }
  return out;
}

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** Parses a JSON filter pattern (`{ … }`) or throws FilterPatternError saying where and why. */
export function parseFilterPattern(src: string): PatternNode {
  const tokens = tokenize(src);
  let k = 0;
  const peek = () => tokens[k];
  const fail = (msg: string): never => {
    throw new FilterPatternError(msg, peek()?.pos ?? src.length);
  };
  const expect = (t: Token['t'], what: string) => {
    if (peek()?.t !== t) fail(`expected ${what}`);
    return tokens[k++]!;
  };

  const orExpr = (): PatternNode => {
    let left = andExpr();
    while (peek()?.t === 'or') {
      k++;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): PatternNode => {
    let left = primary();
    while (peek()?.t === 'and') {
      k++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const primary = (): PatternNode => {
    const tok = peek();
    if (tok?.t === 'lparen') {
      k++;
      const inner = orExpr();
      expect('rparen', '")"');
      return inner;
    }
    if (tok?.t !== 'selector') return fail('expected a selector like $.eventName or "("');
    k++;
    const selector = tok.v;
    const next = peek();
    if (next?.t === 'word') return keywordTest(selector);
    const op = expect('op', 'a comparison operator (=, !=, <, <=, >, >=) or NOT EXISTS / IS NULL') as {
      v: string;
    };
    const val = peek();
    if (val?.t === 'string') {
      k++;
      if (op.v !== '=' && op.v !== '!=') fail(`"${op.v}" needs a number, not a string`);
      return { kind: 'compare', selector, op: op.v as '=' | '!=', value: val.v, quoted: true };
    }
    if (val?.t === 'word') {
      k++;
      if (NUMBER.test(val.v)) {
        return { kind: 'numeric', selector, op: op.v as '=', value: Number(val.v) };
      }
      if (op.v !== '=' && op.v !== '!=') fail(`"${op.v}" needs a number`);
      return { kind: 'compare', selector, op: op.v as '=' | '!=', value: val.v, quoted: false };
    }
    return fail('expected a value after the operator');
  };
  const keywordTest = (selector: Selector): PatternNode => {
    const words: string[] = [];
    while (peek()?.t === 'word' && words.length < 2) words.push((tokens[k++] as { v: string }).v);
    const phrase = words.join(' ');
    if (phrase === 'NOT EXISTS') return { kind: 'exists', selector, exists: false };
    if (words[0] === 'EXISTS') {
      k -= words.length - 1;
      return { kind: 'exists', selector, exists: true };
    }
    if (phrase === 'IS NULL') return { kind: 'is', selector, value: null };
    if (phrase === 'IS TRUE') return { kind: 'is', selector, value: true };
    if (phrase === 'IS FALSE') return { kind: 'is', selector, value: false };
    return fail(`unknown test "${phrase}" (use NOT EXISTS, EXISTS, IS NULL, IS TRUE or IS FALSE)`);
  };

  expect('lbrace', 'a JSON pattern to start with "{"');
  if (peek()?.t === 'rbrace') fail('empty pattern');
  const ast = orExpr();
  expect('rbrace', '"}" or && / ||');
  if (k < tokens.length) fail('unexpected text after the closing "}"');
  return ast;
}

function select(event: unknown, selector: Selector): { found: boolean; value: unknown } {
  let cur: unknown = event;
  for (const key of selector) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur) || key >= cur.length) return { found: false, value: undefined };
      cur = cur[key];
    } else {
      if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !(key in cur)) {
        return { found: false, value: undefined };
      }
      cur = (cur as Record<string, unknown>)[key];
    }
  }
  return { found: true, value: cur };
}

function globMatch(value: string, pattern: string): boolean {
  if (!pattern.includes('*')) return value === pattern;
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
    's',
  );
  return re.test(value);
}

function evaluate(node: PatternNode, event: unknown): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, event) && evaluate(node.right, event);
    case 'or':
      return evaluate(node.left, event) || evaluate(node.right, event);
    case 'exists':
      return select(event, node.selector).found === node.exists;
    case 'is': {
      const s = select(event, node.selector);
      return s.found && s.value === node.value;
    }
    case 'compare': {
      const { found, value } = select(event, node.selector);
      if (!found || value === null || typeof value === 'object') return false;
      const eq = globMatch(String(value), node.value);
      return node.op === '=' ? eq : !eq;
    }
    case 'numeric': {
      const { found, value } = select(event, node.selector);
      if (!found) return false;
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (Number.isNaN(n)) return false;
      switch (node.op) {
        case '=':
          return n === node.value;
        case '!=':
          return n !== node.value;
        case '<':
          return n < node.value;
        case '<=':
          return n <= node.value;
        case '>':
          return n > node.value;
        case '>=':
          return n >= node.value;
      }
    }
  }
}

/** A parsed pattern that can be run against log events (JSON text or already parsed objects). */
export function compileFilterPattern(src: string): (event: unknown) => boolean {
  const ast = parseFilterPattern(src);
  return (event) => {
    let parsed = event;
    if (typeof event === 'string') {
      try {
        parsed = JSON.parse(event);
      } catch {
        // CloudWatch applies JSON patterns to JSON events only: text never matches.
        return false;
      }
    }
    return evaluate(ast, parsed);
  };
}
