/** neutralize() and neutralizeJson(): no printed line can be a workflow command, JSON keeps its value. */
import { neutralize, neutralizeJson } from '../../../src/safe-text.js';

/** What the runner would take for a command: `::` after leading whitespace, or `##[` anywhere. */
const isCommand = (line: string): boolean => /^\s*::/.test(line) || line.includes('##[');
const commandLines = (text: string): string[] => text.split(/\r\n?|\n/).filter(isCommand);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('a line starting with :: after any leading whitespace is broken, the rest of the text kept', () => {
  const hostile = [
    '::add-mask::x',
    '  ::error file=a,line=1::pwned',
    '\t::stop-commands::tok',
    '\u00a0::warning::nbsp',
    '\u3000::notice::ideographic space',
    '\ufeff::debug::bom',
  ].join('\n');
  const out = neutralize(hostile);
  expect(commandLines(out)).toEqual([]);
  expect(out.split('\n')).toHaveLength(6);
  expect(out).toContain('add-mask::x');
  expect(out).toContain('error file=a,line=1::pwned');
  // Not at the start of a line: left alone.
  expect(neutralize("column 'a::b'")).toBe("column 'a::b'");
});

test('the legacy ##[command] syntax is broken anywhere in a line, not only at its start', () => {
  // The runner looks for `##[` anywhere: `unknown column '##[add-mask]x'` would mask "x'".
  const out = neutralize("users/a.csv:1:5: error: unknown column '##[add-mask]hdr'");
  expect(out).not.toContain('##[');
  expect(out).toBe("users/a.csv:1:5: error: unknown column '#\u200b#[add-mask]hdr'");
});

test('carriage returns end lines and control characters are stripped before the check', () => {
  expect(commandLines(neutralize('ok\r::error::cr'))).toEqual([]);
  expect(commandLines(neutralize('ok\r\n::error::crlf'))).toEqual([]);
  // A control character between the colons would hide the prefix until it is stripped.
  expect(commandLines(neutralize(':\u0007:error::bel'))).toEqual([]);
  expect(commandLines(neutralize('#\u0000#[add-mask]x'))).toEqual([]);
  const out = neutralize('a\u001b[31mred\u001b[0m \u202eevil\u0085\u2028x\u0008');
  expect(out).not.toMatch(CONTROL);
  expect(out).toBe('a[31mred[0m evilx');
});

test('neutralize is idempotent', () => {
  const once = neutralize('::x::y\n##[error]z\n  ::a');
  expect(neutralize(once)).toBe(once);
});

test('neutralizeJson keeps the JSON valid and its value exact; the writer then changes nothing', () => {
  const value = {
    action: 's3:GetObject\n::error::pwned',
    header: '##[add-mask]x',
    bidi: 'a\u202eb\u2066c\u2028d\u0085e\u007f',
    nested: ['::add-mask::y', { k: '\r\n##[warning]w' }],
  };
  for (const json of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
    const safe = neutralizeJson(json);
    expect(JSON.parse(safe)).toEqual(value);
    expect(safe).not.toMatch(CONTROL);
    expect(commandLines(safe)).toEqual([]);
    expect(neutralize(safe)).toBe(safe);
  }
  // What neutralize alone would do to the same JSON: valid, but the value changes.
  expect(JSON.parse(neutralize(JSON.stringify(value))).bidi).not.toBe(value.bidi);
});
