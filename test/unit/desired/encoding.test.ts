import { decodeFile, firstInvalidUtf8 } from '../../../src/desired/encoding.js';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeFile', () => {
  it('accepts UTF-8 and strips a BOM', () => {
    const r = decodeFile('u.csv', bytes([0xef, 0xbb, 0xbf], 'username\nzoë\n'));
    expect(r).toEqual({ ok: true, text: 'username\nzoë\n' });
  });

  it('normalises CRLF to LF so line numbers and values match LF files', () => {
    expect(decodeFile('u.csv', bytes('a,b\r\nc,d\r\n'))).toEqual({ ok: true, text: 'a,b\nc,d\n' });
  });

  it.each([
    ['UTF-16 LE BOM', [0xff, 0xfe, 0x61, 0x00, 0x62, 0x00]],
    ['UTF-16 BE BOM', [0xfe, 0xff, 0x00, 0x61, 0x00, 0x62]],
    ['UTF-16 LE without BOM', [...Buffer.from('username,email\n', 'utf16le')]],
  ])('reports %s as UTF-16 at 1:1', (_name, b) => {
    const r = decodeFile('users/a.csv', Uint8Array.from(b));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostic).toMatchObject({ file: 'users/a.csv', line: 1, col: 1, severity: 'error' });
    expect(r.diagnostic.message).toContain('is UTF-16; save it as UTF-8');
  });

  it('reports a NUL byte as binary with its position', () => {
    const r = decodeFile('p.json', bytes('{\n  "a', [0], '"\n}'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic.message).toContain('binary file');
      expect(r.diagnostic).toMatchObject({ line: 2, col: 5 });
    }
  });

  it('reports Latin-1 bytes as invalid UTF-8 at the offending line', () => {
    const r = decodeFile('users/a.csv', bytes('username,email\nJos', [0xe9], ',j@example.com\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic).toMatchObject({ line: 2, col: 4 });
      expect(r.diagnostic.message).toContain('not valid UTF-8 (byte 0xe9');
    }
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    [[0x61, 0xc3, 0xa9], -1],
    [[0xf0, 0x9f, 0x98, 0x80], -1],
    [[0x61, 0xc0, 0xaf], 1], // overlong
    [[0xed, 0xa0, 0x80], 0], // surrogate
    [[0x61, 0x62, 0xe2, 0x82], 2], // truncated
    [[0x80], 0],
  ])('%j → %d', (b, want) => {
    expect(firstInvalidUtf8(Uint8Array.from(b))).toBe(want);
  });
});
