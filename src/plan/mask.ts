/** Email addresses in reports: `alice@example.com` → `a***@example.com` (SPEC §3). */

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

export function maskEmail(email: string): string {
  return maskEmails(email);
}

/** Masks every address in a whole text, wherever it came from (details, lint messages, user names). */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1***@$2');
}
