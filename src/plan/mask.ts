/** Email addresses in reports: `alice@example.com` → `a***@example.com` (SPEC §3). */

// The local part takes the characters an address may have (RFC 5322 atext, as config/rules.ts
// accepts), so that none of it is left in front of the mask: `o'brien@x.io` → `o***@x.io`. It
// starts at a letter or digit, so a quote or bracket around an address stays (`'a***@x.io'`), and
// `/ = | \`` are left out: they separate an address from what precedes it far more often (an
// ARN's `identity/…`, `key=…`, a table cell, a code span) than they occur in one.
const LOCAL = "[A-Za-z0-9.!#$%&'*+?^_{}~-]";
const EMAIL = new RegExp(`([A-Za-z0-9_])${LOCAL}*@([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+)`, 'g');

export function maskEmail(email: string): string {
  return maskEmails(email);
}

/**
 * Masks every address in a whole text, wherever it came from (details, lint messages, user names,
 * AWS error messages such as SES naming a rejected recipient or the sender).
 */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1***@$2');
}
