/** AWS managed policies known offline, by name or ARN. */
import type { PolicyDocument } from '../model/policy.js';
import { loadManagedPolicies } from './data.js';

export interface ManagedPolicy {
  name: string;
  arn: string;
  document: PolicyDocument;
}

const AWS_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/;

let byArn: Map<string, string> | undefined;
let byLowerName: Map<string, string> | undefined;

function indexes(): { byArn: Map<string, string>; byLowerName: Map<string, string> } {
  if (!byArn || !byLowerName) {
    byArn = new Map();
    byLowerName = new Map();
    for (const [name, p] of Object.entries(loadManagedPolicies().policies)) {
      byArn.set(p.arn, name);
      byLowerName.set(name.toLowerCase(), name);
    }
  }
  return { byArn, byLowerName };
}

/** Whether a string looks like an AWS managed policy ARN (whether or not it exists). */
export function isAwsManagedArn(s: string): boolean {
  return AWS_POLICY_ARN.test(s);
}

/** Finds an AWS managed policy by exact name or ARN; undefined when unknown. */
export function findManagedPolicy(nameOrArn: string): ManagedPolicy | undefined {
  const { byArn } = indexes();
  const data = loadManagedPolicies().policies;
  const name = isAwsManagedArn(nameOrArn) ? byArn.get(nameOrArn) : nameOrArn;
  const p = name ? data[name] : undefined;
  return p && name ? { name, arn: p.arn, document: p.document as PolicyDocument } : undefined;
}

/** A name that differs only in case from a known policy, for "did you mean" messages. */
export function managedPolicyNameIgnoringCase(name: string): string | undefined {
  return indexes().byLowerName.get(name.toLowerCase());
}

let names: string[] | undefined;

/** Every AWS managed policy name (one array, kept: the did-you-mean index is built once for it). */
export function allManagedPolicyNames(): string[] {
  return (names ??= Object.keys(loadManagedPolicies().policies));
}
