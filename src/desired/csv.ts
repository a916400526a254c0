/**
 * RFC 4180 parsing with csv-parse, plus the line and column of every field. A broken record is
 * reported and parsing resumes on the next line, so one stray quote does not hide later errors.
 */
import { parse, type CsvError, type Options } from 'csv-parse/sync';
import { lineIndex } from './locate.js';
import type { Position } from '../model/policy.js';

export interface CsvField {
  value: string;
  line: number;
  col: number;
}
export interface CsvRecord {
  /** Line where the record starts (a quoted field may continue on later lines). */
  line: number;
  fields: CsvField[];
}
export interface CsvSyntaxError {
  line: number;
  col: number;
  message: string;
}

interface Collected {
  record: string[];
  raw: string;
}

/** `text` must already be LF-only (see encoding.ts). Blank lines and `#` lines are skipped. */
export function parseCsv(text: string): { records: CsvRecord[]; errors: CsvSyntaxError[] } {
  const at = lineIndex(text);
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  let offset = 0;
  while (offset < text.length) {
    const got: Collected[] = [];
    let failure: CsvError | undefined;
    try {
      const options: Options = {
        raw: true,
        relax_column_count: true,
        comment: '#',
        comment_no_infix: true,
        skip_empty_lines: true,
        trim: true,
        // With `raw`, csv-parse hands over {record, raw}: the raw text locates the record.
        on_record: (r) => {
          got.push(r as unknown as Collected);
          return r;
        },
      };
      parse(text.slice(offset), options);
    } catch (err) {
      failure = err as CsvError;
    }
    let cursor = offset;
    for (const r of got) {
      const start = skipIgnoredLines(text, cursor);
      cursor += r.raw.length;
      if (r.record.every((v) => v === '')) continue;
      records.push({ line: at(start).line, fields: fieldPositions(text, start, r.record, at) });
    }
    if (!failure) break;
    const recordStart = at(skipIgnoredLines(text, cursor)).line;
    const failedLine =
      failure.code === 'CSV_QUOTE_NOT_CLOSED' ? recordStart : at(offset).line - 1 + Number(failure.lines);
    errors.push({ line: failedLine, col: 1, message: describe(failure) });
    const next = nextLineStart(text, failedLine);
    if (next <= offset) break;
    offset = next;
  }
  return { records, errors };
}

function describe(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field opened in this record is never closed; add the closing " (write "" for a quote inside quotes)';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'text follows a closing quote; quote the whole field and write "" for a quote inside it';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted field; quote the whole field and write "" for a quote inside it';
    default:
      return `malformed CSV: ${err.message.replace(/ at line \d+/, '')}`;
  }
}

/** Skips the blank and `#` comment lines csv-parse folds into the next record's raw text. */
function skipIgnoredLines(text: string, from: number): number {
  let pos = from;
  while (pos < text.length) {
    const end = text.indexOf('\n', pos);
    const line = text.slice(pos, end < 0 ? text.length : end);
    if (line.trim() !== '' && !line.startsWith('#')) break;
    if (end < 0) return text.length;
    pos = end + 1;
  }
  return pos;
}

function nextLineStart(text: string, line: number): number {
  let pos = 0;
  for (let l = 1; l <= line; l++) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) return text.length;
    pos = nl + 1;
  }
  return pos;
}

/** Where each field starts, scanning the record's raw text the way RFC 4180 reads it. */
function fieldPositions(
  text: string,
  start: number,
  values: string[],
  at: (o: number) => Position,
): CsvField[] {
  const fields: CsvField[] = [];
  let pos = start;
  for (const value of values) {
    while (text[pos] === ' ' || text[pos] === '\t') pos++;
    fields.push({ value, ...at(pos) });
    if (text[pos] === '"') {
      pos++;
      while (pos < text.length) {
        if (text[pos] === '"' && text[pos + 1] === '"') pos += 2;
        else if (text[pos] === '"') {
          pos++;
          break;
        } else pos++;
      }
    }
    while (pos < text.length && text[pos] !== ',' && text[pos] !== '\n') pos++;
    if (text[pos] === ',') pos++;
  }
  return fields;
}
