/** Plain-value builders for planner tests. */
import type { ActualPolicy, ActualState, ActualUser } from '../../../src/model/actual.js';
import type { Config, DesiredState, DesiredUser, PolicyRef } from '../../../src/model/desired.js';
import type { LocatedPolicy, PolicyDocument } from '../../../src/model/policy.js';
import { testConfig } from '../../helpers/config.js';

export const ACCOUNT = '123456789012';
export const PATH = '/iam-gitops/';
export const MANAGED = { 'managed-by': 'iam-gitops' };

export function config(over: Partial<Config> = {}): Config {
  return testConfig({ path: PATH, source: 'iam-gitops.yml', ...over });
}

export const aws = (name: string): PolicyRef => ({
  kind: 'aws',
  name,
  arn: `arn:aws:iam::aws:policy/${name}`,
});
export const custom = (name: string): PolicyRef => ({ kind: 'custom', name });

export function user(name: string, over: Partial<DesiredUser> = {}): DesiredUser {
  return {
    name,
    email: `${name}@example.com`,
    groups: [],
    policies: [],
    console: false,
    tags: {},
    role: null,
    source: { file: 'users/team.csv', line: 2 },
    ...over,
  };
}

export function policy(
  name: string,
  document: PolicyDocument,
  file = `policies/${name}.json`,
): LocatedPolicy {
  return { name, file, arn: null, document, statementPositions: [], valuePositions: [] };
}

export function desired(
  users: DesiredUser[],
  over: Partial<Config> = {},
  policies: LocatedPolicy[] = [],
): DesiredState {
  return { config: config(over), users, policies };
}

export function actualUser(name: string, over: Partial<ActualUser> = {}): ActualUser {
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:user${PATH}${name}`,
    path: PATH,
    tags: { ...MANAGED },
    groups: [],
    attachedPolicyArns: [],
    inlinePolicyNames: [],
    hasLoginProfile: false,
    permissionsBoundaryArn: null,
    ...over,
  };
}

export function actualPolicy(
  name: string,
  document: PolicyDocument,
  over: Partial<ActualPolicy> = {},
): ActualPolicy {
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:policy${PATH}${name}`,
    path: PATH,
    defaultVersionId: 'v1',
    document,
    versions: [{ versionId: 'v1', isDefault: true, createDate: '2026-01-01T00:00:00.000Z' }],
    attachmentCount: 0,
    ...over,
  };
}

export function actual(over: Partial<ActualState> = {}): ActualState {
  return {
    accountId: ACCOUNT,
    region: 'us-east-1',
    users: [],
    groups: [],
    policies: [],
    sesSenderVerified: true,
    monitoring: null,
    ...over,
  };
}

export const S3_READ: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::dev/*' }],
};

export const customArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:policy${PATH}${name}`;
