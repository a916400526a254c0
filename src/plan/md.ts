/**
 * Small Markdown helpers for the comment and the job summary, and the one place that makes
 * untrusted text (CSV cells, policy strings, file, user, group and tag names, AWS error messages)
 * inert there. Every piece of such text goes through `esc` (plain text), `prose` (text whose
 * `code spans` are kept), `code` (a code span), `htmlCode` (inside raw HTML such as `<summary>`)
 * or `fence` (a code block); `table` keeps every cell inside its row. Each also masks e-mail
 * addresses first, so that escaping never splits an address the final masking pass would miss.
 */
import { maskEmails } from './mask.js';

/** Sections longer than this many lines are folded (Atlantis folds beyond 12). */
export const FOLD_LINES = 12;

export function lineCount(text: string): number {
  return text.split('\n').length;
}

/** Folds long content into `<details>`; short content stays visible. `summary` is our own markup. */
export function fold(summary: string, body: string): string {
  if (lineCount(body) <= FOLD_LINES) return `${summary}\n\n${body}`;
  // Markdown headings do not render inside <summary>.
  const label = summary.startsWith('#') ? `<b>${summary.replace(/^#+\s*/, '')}</b>` : summary;
  return `<details><summary>${label}</summary>\n\n${body}\n\n</details>`;
}

/**
 * Always folded (a fix, a diff): open when short so nothing needs a click. `summary` sits in raw
 * HTML, where Markdown does not apply: put untrusted text in it with `htmlCode` or `escHtml`.
 */
export function details(summary: string, body: string): string {
  const open = lineCount(body) <= FOLD_LINES ? ' open' : '';
  return `<details${open}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

// C0/C1 controls (tab and newline are handled as whitespace), DEL, and the bidi overrides that
// reorder what a reader sees.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** One line: controls removed, every run of whitespace (line breaks included) one space. */
function oneLine(text: string): string {
  return text.replace(CONTROL, '').replace(/[\s\u2028\u2029]+/g, ' ');
}

/**
 * `@name` and `@org/team` ping people on GitHub; a zero-width space after the `@` stops that.
 * An `@` inside a word (`a***@example.com`) or before a domain (`@example.com`) never pings.
 */
function unping(text: string): string {
  return text.replace(/(^|[^A-Za-z0-9_])@(?=[A-Za-z0-9])(?![A-Za-z0-9-]+\.[A-Za-z0-9])/g, '$1@\u200b');
}

const html = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text for raw HTML (`<summary>`, `<sub>`): one line, addresses masked, no tag can open, no ping. */
export function escHtml(text: string): string {
  return unping(html(oneLine(maskEmails(text)).trim()));
}

/** One line of text made inert; `atStart`: it may begin a line (or a list item's content). */
function inert(line: string, atStart: boolean): string {
  let out = html(line.replace(/\\/g, '\\\\'))
    .replace(/([`[\]|$])/g, '\\$1')
    .replace(/:\/\//g, '&#58;//')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}&#46;`);
  // A list item or a quote may begin with it: `- # x` is a heading, `- 1. x` a nested list.
  if (atStart) out = out.replace(/^([#+=*_~-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
  return unping(out);
}

/**
 * Untrusted text as inert inline Markdown, safe in a paragraph, a list item, a quote and a table
 * cell: one line; no HTML (`& < >` as entities); no code span, link, image or footnote (`` ` [ ] ``
 * escaped); no table break (`|`); no math (`$`); no bare-URL autolink; no structure from its first
 * character (heading, quote, list, rule, fence); no @mention; e-mail addresses masked.
 */
export function esc(text: string): string {
  return inert(oneLine(maskEmails(text)).trim(), true);
}

/** A code span that holds `text` verbatim on one line, whatever backticks it contains. */
export function code(text: string): string {
  const body = oneLine(maskEmails(text)) || ' ';
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  // A span that starts or ends with a backtick or a space needs a space inside each delimiter.
  const pad = /^[` ]|[` ]$/.test(body) ? ' ' : '';
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/** A code element for raw HTML (`<summary>`), where a Markdown code span would not render. */
export function htmlCode(text: string): string {
  return `<code>${html(oneLine(maskEmails(text)))}</code>`;
}

/**
 * Text in which `code spans` are meant (messages that quote an action or a key): each span stays
 * code (rebuilt by `code`), everything around it is made inert as by `esc`.
 */
export function prose(text: string): string {
  const flat = oneLine(maskEmails(text)).trim();
  // Matching spans is quadratic at worst; no real message is this long, a hostile cell may be.
  if (flat.length > 4000) return inert(flat, true);
  let out = '';
  let last = 0;
  // A run of n backticks, the content, and a run of exactly n again (CommonMark's code span).
  for (const m of flat.matchAll(/(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)/g)) {
    out += inert(flat.slice(last, m.index), last === 0) + code(m[2]!);
    last = m.index + m[0].length;
  }
  return out + inert(flat.slice(last), last === 0);
}

/** A fenced code block that no line of `body` can close: the fence is longer than any backtick run. */
export function fence(lang: string, body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  // eslint-disable-next-line no-control-regex
  const clean = maskEmails(body.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''));
  return `${ticks}${lang.replace(/[^\w-]/g, '')}\n${clean}\n${ticks}`;
}

/**
 * A table. Cells are Markdown already built with the helpers above; a `|` not yet escaped (one in
 * a code span) is escaped here, as GFM wants inside tables, and a line break becomes a space.
 */
export function table(header: string[], rows: string[][]): string {
  // A pipe after an even number of backslashes (none included) is not escaped yet.
  const cell = (c: string): string => c.replace(/[\r\n]+/g, ' ').replace(/(?<!\\)((?:\\\\)*)\|/g, '$1\\|');
  const line = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** At most `max` items, then "and N more". */
export function capped(items: string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
