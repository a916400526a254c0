/**
 * Text from the repository's files (CSV cells, policy strings, file and user names) is untrusted.
 * On a runner, any stdout or stderr line that starts with `::` (after leading whitespace) is a
 * workflow command (`::add-mask::`, `::error ...`, `::stop-commands::`), and the runner's legacy
 * syntax `##[command]data` is recognised anywhere in a line. Control characters can hide or
 * rewrite what a reader sees in a terminal. Everything printed that may carry such text goes
 * through here.
 */

// C0 controls except tab and newline, DEL, C1 controls, and the Unicode line/paragraph separators
// and bidi overrides that reorder what a reader sees.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A zero-width space between the two characters no runner reads as a command prefix. */
const ZWSP = '\u200b';

/** One or more lines made safe for a log or a terminal: controls removed, no line carries a workflow command. */
export function neutralize(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/##\[/g, `#${ZWSP}#[`)
    .split('\n')
    .map((line) => (/^\s*::/.test(line) ? line.replace('::', `:${ZWSP}:`) : line))
    .join('\n');
}

/**
 * Output of JSON.stringify made safe without changing its value: JSON.stringify leaves DEL, C1
 * controls, U+2028/9 and bidi overrides raw, and these (like `##[`) can only occur inside strings,
 * where a `\u` escape means the same character. JSON lines never start with `::`. The result is
 * unchanged by neutralize(), so the JSON stays valid after the command's writer.
 */
export function neutralizeJson(json: string): string {
  return json
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '#\\u0023[');
}
