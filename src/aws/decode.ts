/**
 * IAM returns policy documents URL-encoded (RFC 3986); the emulator returns them raw. Both must
 * parse to the same document, so every document read from IAM passes through here.
 */
import type { PolicyDocument } from '../model/policy.js';

/** The JSON text of a policy document as IAM returned it, decoded when it is URL-encoded. */
export function decodePolicyText(raw: string): string {
  const trimmed = raw.trimStart();
  // Raw JSON always starts with `{`; an encoded document starts with `%7B` (or encoded whitespace).
  if (trimmed.startsWith('{')) return raw;
  // RFC 3986: `+` is literal (not a space), as AWS's own samples decode with `unquote`.
  return decodeURIComponent(raw);
}

export function decodePolicyDocument(raw: string): PolicyDocument {
  const text = decodePolicyText(raw);
  try {
    return JSON.parse(text) as PolicyDocument;
  } catch (err) {
    throw new Error(`a policy document read from IAM is not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
}
