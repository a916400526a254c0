/** One policies/<name>.json file → a LocatedPolicy, or diagnostics naming file:line:col. */
import { getNodeValue } from 'jsonc-parser';
import type { Diagnostic } from '../model/diagnostic.js';
import type { LocatedPolicy, PolicyDocument, Statement } from '../model/policy.js';
import { IAM_NAME_CHARS } from '../config/rules.js';
import { lineIndex, locatePolicy, parseJsonWithPositions } from './locate.js';
import { checkPolicyGrammar } from './policy-grammar.js';

/** IAM's limit for a customer managed policy, counted without whitespace. */
export const MAX_POLICY_CHARS = 6144;

const SYNTAX: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a "quoted" property name (no trailing comma before })',
  ValueExpected: 'expected a value (no trailing comma before ])',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," between items',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character in string',
  InvalidCharacter: 'invalid character in string (control characters must be escaped)',
};

export function policyNameFromFile(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1).replace(/\.json$/, '');
}

export function readPolicyFile(
  file: string,
  text: string,
): { policy: LocatedPolicy | null; diagnostics: Diagnostic[] } {
  const name = policyNameFromFile(file);
  const diagnostics: Diagnostic[] = [];
  const error = (line: number, col: number, message: string) =>
    diagnostics.push({ file, line, col, severity: 'error', message });
  if (name.length > 128 || !IAM_NAME_CHARS.test(name)) {
    error(
      1,
      1,
      `'${name}' is not a valid policy name: rename the file to 1–128 of A-Z a-z 0-9 + = , . @ _ - and .json`,
    );
  }
  if (text.trim() === '') {
    error(1, 1, 'the file is empty; write a policy document {"Version": "2012-10-17", "Statement": [...]}');
    return { policy: null, diagnostics };
  }
  const { tree, errors } = parseJsonWithPositions(text);
  if (errors.length > 0 || !tree) {
    // The first error is the cause; later ones are mostly its echoes.
    const e = errors[0] ?? { line: 1, col: 1, message: 'ValueExpected' };
    error(e.line, e.col, `JSON syntax: ${SYNTAX[e.message] ?? e.message}`);
    return { policy: null, diagnostics };
  }
  const problems = checkPolicyGrammar(tree);
  if (problems.length > 0) {
    const at = lineIndex(text);
    for (const p of problems) {
      const pos = at(p.offset);
      error(pos.line, pos.col, p.message);
    }
  }
  const size = text.replace(/\s/g, '').length;
  if (size > MAX_POLICY_CHARS) {
    error(
      1,
      1,
      `the policy is ${size} characters without whitespace; IAM allows ${MAX_POLICY_CHARS}: split it into two policies`,
    );
  }
  if (diagnostics.length > 0) return { policy: null, diagnostics };
  const raw = getNodeValue(tree) as { Version: string; Statement: Statement | Statement[] };
  const document: PolicyDocument = {
    ...raw,
    Version: raw.Version,
    Statement: Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement],
  };
  return { policy: locatePolicy(name, file, text, tree, document), diagnostics };
}
