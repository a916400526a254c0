import { parseCsv } from '../../../src/desired/csv.js';

const values = (text: string) => parseCsv(text).records.map((r) => [r.line, ...r.fields.map((f) => f.value)]);

describe('parseCsv', () => {
  it('skips blank and # lines and keeps real line numbers', () => {
    expect(values('a,b\n\n# comment\n1,2\n   \n3,4\n')).toEqual([
      [1, 'a', 'b'],
      [4, '1', '2'],
      [6, '3', '4'],
    ]);
  });

  it('keeps # inside a line and skips rows of empty fields', () => {
    expect(values('a,b\nx#1,y\n,\n')).toEqual([
      [1, 'a', 'b'],
      [2, 'x#1', 'y'],
    ]);
  });

  it('reads RFC 4180 quoting: commas, doubled quotes and multi-line fields', () => {
    const { records, errors } = parseCsv('a,b\n"x, y","say ""hi"""\n"multi\nline",z\nlast,1\n');
    expect(errors).toEqual([]);
    expect(records.map((r) => r.fields.map((f) => f.value))).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', 'z'],
      ['last', '1'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('gives each field its line and column, also after a multi-line field', () => {
    const { records } = parseCsv('a,b,c\n"q\nr", two ,three\n');
    expect(records[1]!.fields).toEqual([
      { value: 'q\nr', line: 2, col: 1 },
      { value: 'two', line: 3, col: 5 },
      { value: 'three', line: 3, col: 10 },
    ]);
  });

  it('reports text after a closing quote and continues with the next line', () => {
    const { records, errors } = parseCsv('a,b\n"bad"x,1\nok,2\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2 });
    expect(errors[0]!.message).toContain('closing quote');
    expect(records.map((r) => r.fields[0]!.value)).toEqual(['a', 'ok']);
  });

  it('reports an unclosed quote at the line where the record starts', () => {
    const { records, errors } = parseCsv('a,b\nfine,1\n"open,2\nmore,3\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(3);
    expect(errors[0]!.message).toContain('never closed');
    expect(records.map((r) => r.fields[0]!.value)).toEqual(['a', 'fine', 'more']);
  });

  it('reports several broken lines in one pass', () => {
    const { errors } = parseCsv('a,b\nx"y,1\nok,2\n"q"z,3\n');
    expect(errors.map((e) => e.line)).toEqual([2, 4]);
  });
});
