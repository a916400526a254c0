/** Small Markdown helpers for the comment and the job summary. */

/** Sections longer than this many lines are folded (Atlantis folds beyond 12). */
export const FOLD_LINES = 12;

export function lineCount(text: string): number {
  return text.split('\n').length;
}

/** Folds long content into `<details>`; short content stays visible. */
export function fold(summary: string, body: string): string {
  if (lineCount(body) <= FOLD_LINES) return `${summary}\n\n${body}`;
  // Markdown headings do not render inside <summary>.
  const label = summary.startsWith('#') ? `<b>${summary.replace(/^#+\s*/, '')}</b>` : summary;
  return `<details><summary>${label}</summary>\n\n${body}\n\n</details>`;
}

/** Always folded (a fix, a diff): open when short so nothing needs a click. */
export function details(summary: string, body: string): string {
  const open = lineCount(body) <= FOLD_LINES ? ' open' : '';
  return `<details${open}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** Text that must not turn into HTML or break a table cell. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

export function code(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}

export function fence(lang: string, body: string): string {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** At most `max` items, then "and N more". */
export function capped(items: string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
