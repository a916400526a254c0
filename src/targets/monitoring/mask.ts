/** Alarm e-mail addresses as PR comments and notes show them (SPEC §3): `s***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
