/** Hand-built DesiredStates for lint tests: policies parsed with positions, users and groups. */
import { defaultConfig } from '../../../src/config/defaults.js';
import { locatePolicy, parseJsonWithPositions } from '../../../src/desired/locate.js';
import type { Config, DesiredState, DesiredUser, LintIgnore, PolicyRef } from '../../../src/model/desired.js';
import type { LocatedPolicy, PolicyDocument } from '../../../src/model/policy.js';
import { testConfig } from '../../helpers/config.js';

/** A custom policy `policies/<name>.json` from a statement list or a whole document. */
export function policy(name: string, doc: unknown): LocatedPolicy {
  const full = Array.isArray(doc) ? { Version: '2012-10-17', Statement: doc } : doc;
  const text = JSON.stringify(full, null, 2);
  const { tree, errors } = parseJsonWithPositions(text);
  if (!tree || errors.length) throw new Error(`bad test policy ${name}`);
  return locatePolicy(name, `policies/${name}.json`, text, tree, full as PolicyDocument);
}

export function ref(name: string): PolicyRef {
  return name.startsWith('arn:') || /^[A-Z]/.test(name)
    ? {
        kind: 'aws',
        name: name.replace(/^arn:.*\//, ''),
        arn: name.startsWith('arn:') ? name : `arn:aws:iam::aws:policy/${name}`,
      }
    : { kind: 'custom', name };
}

export interface StateInput {
  policies?: LocatedPolicy[];
  users?: Array<{ name: string; policies?: string[]; groups?: string[] }>;
  groups?: Record<string, string[]>;
  ignore?: LintIgnore[];
}

export function state(input: StateInput): DesiredState {
  const groups: Config['groups'] = {};
  let line = 5;
  for (const [g, ps] of Object.entries(input.groups ?? {})) {
    groups[g] = { policies: ps.map(ref), source: { file: 'iam-gitops.yml', line: line++ } };
  }
  const users: DesiredUser[] = (input.users ?? []).map((u, i) => ({
    name: u.name,
    email: `${u.name}@example.com`,
    groups: u.groups ?? [],
    policies: (u.policies ?? []).map(ref),
    console: false,
    tags: {},
    role: null,
    source: { file: 'users/team.csv', line: i + 2 },
  }));
  return {
    config: testConfig({
      groups,
      // Lint runs without a sender: the email section must not matter to it.
      email: { ...defaultConfig().email, from: null },
      lint: { failOn: 'error', ignore: input.ignore ?? [] },
    }),
    users,
    policies: input.policies ?? [],
  };
}

export const allow = (Action: unknown, Resource: unknown = '*', extra: object = {}): object => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
export const deny = (Action: unknown, Resource: unknown = '*', extra: object = {}): object => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...extra,
});
