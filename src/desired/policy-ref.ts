/**
 * Resolves a policy reference written in a CSV cell or a config group: an AWS managed policy
 * (name or ARN, known offline) or the name of a file in policies/.
 */
import {
  allManagedPolicyNames,
  findManagedPolicy,
  isAwsManagedArn,
  managedPolicyNameIgnoringCase,
} from '../catalog/managed.js';
import type { PolicyRef } from '../model/desired.js';
import { closest } from '../suggest.js';

export type Resolved = { ok: true; ref: PolicyRef } | { ok: false; message: string };

const CUSTOMER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:policy\/(?:.*\/)?([^/]+)$/;

export function resolvePolicyRef(value: string, customNames: ReadonlySet<string>): Resolved {
  const fail = (message: string): Resolved => ({ ok: false, message });
  if (value.startsWith('arn:')) return resolveArn(value, customNames);
  if (customNames.has(value)) return { ok: true, ref: { kind: 'custom', name: value } };
  const aws = findManagedPolicy(value);
  if (aws) return { ok: true, ref: { kind: 'aws', name: aws.name, arn: aws.arn } };
  const base = value.replace(/\.json$/i, '');
  if (base !== value && customNames.has(base)) {
    return fail(`policy '${value}': write the policy name '${base}' without .json`);
  }
  const awsCase = managedPolicyNameIgnoringCase(value);
  if (awsCase)
    return fail(`unknown policy '${value}'; AWS managed policy names are case-sensitive: write '${awsCase}'`);
  const customCase = [...customNames].find((n) => n.toLowerCase() === base.toLowerCase());
  if (customCase) {
    return fail(`unknown policy '${value}'; the file is policies/${customCase}.json: write '${customCase}'`);
  }
  const near = closest(base, [...customNames, ...allManagedPolicyNames()], 0.4);
  return fail(
    `unknown policy '${value}': neither an AWS managed policy nor a file in policies/` +
      (near ? `; did you mean '${near}'?` : `; add policies/${base}.json or use an AWS managed policy name`),
  );
}

function resolveArn(arn: string, customNames: ReadonlySet<string>): Resolved {
  if (isAwsManagedArn(arn)) {
    const p = findManagedPolicy(arn);
    if (p) return { ok: true, ref: { kind: 'aws', name: p.name, arn: p.arn } };
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const byName = findManagedPolicy(name) ?? findManagedPolicy(managedPolicyNameIgnoringCase(name) ?? '');
    if (byName)
      return { ok: false, message: `unknown AWS managed policy ARN '${arn}'; did you mean '${byName.arn}'?` };
    const near = closest(name, allManagedPolicyNames(), 0.4);
    const hint = near ? `; did you mean '${findManagedPolicy(near)!.arn}'?` : '';
    return { ok: false, message: `unknown AWS managed policy ARN '${arn}'${hint}` };
  }
  const customer = CUSTOMER_ARN.exec(arn);
  if (customer) {
    const name = customer[1]!;
    return {
      ok: false,
      message: customNames.has(name)
        ? `policy '${arn}': refer to policies/${name}.json by its name '${name}', not by ARN`
        : `policy '${arn}': only AWS managed policies may be given by ARN; put the document in policies/${name}.json and write '${name}'`,
    };
  }
  return { ok: false, message: `'${arn}' is not an IAM policy ARN (arn:aws:iam::aws:policy/<name>)` };
}
