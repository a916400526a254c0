/** The escaping helpers: what each makes of hostile text, construct by construct. */
import { code, esc, escHtml, fence, htmlCode, prose, table } from '../../../src/plan/md.js';

describe('esc: untrusted text as inert inline Markdown', () => {
  test.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['a & b', 'a &amp; b'],
    ['a|b', 'a\\|b'],
    ['[click](https://evil.example)', '\\[click\\](https&#58;//evil.example)'],
    ['![x](http://e.example/x.png)', '!\\[x\\](http&#58;//e.example/x.png)'],
    ['see www.evil.example', 'see www&#46;evil.example'],
    ['x `y` z', 'x \\`y\\` z'],
    ['$\\color{red}{x}$', '\\$\\\\color{red}{x}\\$'],
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['1. first', '1\\. first'],
    ['~~~', '\\~~~'],
    ['> quote', '&gt; quote'],
    ['ok\n# two\n\n| x |', 'ok # two \\| x \\|'],
  ])('%j', (input, out) => {
    expect(esc(input)).toBe(out);
  });

  test('an @mention cannot ping; an address (masked) is left alone', () => {
    const e = esc('ping @octocat and @acme/admins; write bob@example.com');
    expect(e).toBe('ping @\u200boctocat and @\u200bacme/admins; write b***@example.com');
    // What GitHub links: an @ after a non-word character, then a name that is not a domain.
    expect(e).not.toMatch(/(^|\W)@[A-Za-z0-9][\w-]*(?!\.\w)(?=[^\w.-]|$)/);
  });

  test('control and bidi characters are dropped; a line break is a space', () => {
    expect(esc('a\u0000b\u001bc\u202ed\r\ne\u2028f')).toBe('abcd e f');
  });

  test('every address is masked, whatever characters its local part has', () => {
    for (const addr of ["o'brien@example.com", 'x{y}z@example.com', 'a_b@example.com', 'p+q@example.com'])
      expect(esc(`send to ${addr} now`)).toBe(`send to ${addr[0]}***@example.com now`);
  });
});

describe('code, htmlCode, prose, fence, table', () => {
  test('a code span holds backticks verbatim and cannot be closed early', () => {
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`x')).toBe('`` `x ``');
    expect(code('a``b`c')).toBe('```a``b`c```');
    expect(code('a\nb')).toBe('`a b`');
    expect(code('bob@example.com')).toBe('`b***@example.com`');
  });

  test('htmlCode and escHtml open no tag', () => {
    expect(htmlCode('<img src=x>')).toBe('<code>&lt;img src=x&gt;</code>');
    expect(escHtml('</summary><img src=x>')).toBe('&lt;/summary&gt;&lt;img src=x&gt;');
  });

  test('prose keeps intended code spans and escapes the rest', () => {
    expect(prose('Use `service:Action`, e.g. `s3:GetObject`.')).toBe(
      'Use `service:Action`, e.g. `s3:GetObject`.',
    );
    expect(prose('# <b>x</b> `<b>` [l](u) `unclosed')).toBe(
      '\\# &lt;b&gt;x&lt;/b&gt; `<b>` \\[l\\](u) \\`unclosed',
    );
    expect(prose('`a` @octocat')).toBe('`a` @\u200boctocat');
    // Beyond a length no real message has, everything is plain text (span matching is quadratic).
    expect(prose('`x` '.repeat(1200))).toMatch(/^\\`x\\` \\`x\\`/);
  });

  test('a fence is longer than any backtick run in its body', () => {
    expect(fence('diff', '+ ```\n+ ````')).toBe('`````diff\n+ ```\n+ ````\n`````');
    expect(fence('', 'x')).toBe('```\nx\n```');
  });

  test('a table cell cannot break its row, even from a code span', () => {
    const t = table(
      ['a', 'b'],
      [
        [code('x|y'), esc('p|q')],
        ['l1\nl2', code('z\\|w')],
      ],
    );
    const rows = t.split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toBe('| `x\\|y` | p\\|q |');
    // Unescaped pipes (a pipe after an even number of backslashes) separate exactly two cells.
    for (const row of rows) expect(row.match(/(?<!\\)(?:\\\\)*\|/g)).toHaveLength(3);
  });
});
