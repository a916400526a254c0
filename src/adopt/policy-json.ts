/** A policy document as a file: the plan's own IAM-ordered JSON (src/plan/canonical.ts), ending in a newline. */
import type { PolicyDocument } from '../model/policy.js';
import { policyJson as iamOrderedJson } from '../plan/canonical.js';

export function policyJson(doc: PolicyDocument): string {
  return iamOrderedJson(doc) + '\n';
}
