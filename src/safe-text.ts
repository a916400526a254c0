/**
 * Text from the repository's files (CSV cells, policy strings, file and user names) is untrusted.
 * On a runner, any stdout line that starts with `::` is a workflow command (`::add-mask::`,
 * `::error ...`, `::set-output`, `::stop-commands::`), and control characters can hide or rewrite
 * what a reader sees in a terminal. Everything printed that may carry such text goes through here.
 */

// C0 controls except tab and newline, DEL, C1 controls, and the Unicode line/paragraph separators
// and bidi overrides that reorder what a reader sees.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One or more lines made safe for a log or a terminal: controls removed, no line starts a workflow command. */
export function neutralize(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .split('\n')
    .map((line) => (/^\s*::/.test(line) ? line.replace('::', ':\u200b:') : line))
    .join('\n');
}
