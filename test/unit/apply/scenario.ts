/** A multi-user plan built by hand (users, groups, policies, memberships, attachments, logins, mails). */
import type { Operation } from '../../../src/model/plan.js';
import { op } from './fixtures.js';

export const PATH = '/iam-gitops/';
export const BOUNDARY = 'arn:aws:iam::123456789012:policy/boundaries/dev-boundary';
export const READONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
export const DEV_S3 = `arn:aws:iam::123456789012:policy${PATH}dev-s3`;
export const DEV_S3_DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::dev-bucket/*'] }],
});

export interface ScenarioUser {
  name: string;
  console: boolean;
  groups: string[];
  policies: Array<{ name: string; arn: string }>;
  role: string | null;
}

export const USERS: ScenarioUser[] = [
  {
    name: 'alice',
    console: true,
    groups: ['developers'],
    policies: [{ name: 'ReadOnlyAccess', arn: READONLY }],
    role: 'engineer',
  },
  { name: 'bob', console: false, groups: ['developers'], policies: [], role: null },
  { name: 'carol', console: true, groups: [], policies: [{ name: 'dev-s3', arn: DEV_S3 }], role: 'analyst' },
];

/** `suffix` names every user, group and policy apart, so runs can share one account. */
export function scenarioOps(users: ScenarioUser[] = USERS, suffix = ''): Operation[] {
  const rename = (name: string) => `${name}${suffix}`;
  const devS3 = `${DEV_S3}${suffix}`;
  users = users.map((u) => ({
    ...u,
    name: rename(u.name),
    groups: u.groups.map(rename),
    policies: u.policies.map((p) => (p.arn === DEV_S3 ? { name: rename(p.name), arn: devS3 } : p)),
  }));
  const ops: Operation[] = [
    op(`policy:${rename('dev-s3')}`, [], 'policy', 'create', {
      path: PATH,
      document: DEV_S3_DOC,
      arn: devS3,
    }),
    op(`group:${rename('developers')}`, [], 'group', 'create', { path: PATH }),
    op(
      `attachment:group:${rename('developers')}:ReadOnlyAccess`,
      [`group:${rename('developers')}`],
      'attachment',
      'create',
      {
        principalType: 'group',
        principal: rename('developers'),
        policyArn: READONLY,
      },
    ),
    op(
      `attachment:group:${rename('developers')}:dev-s3`,
      [`group:${rename('developers')}`, `policy:${rename('dev-s3')}`],
      'attachment',
      'create',
      { principalType: 'group', principal: rename('developers'), policyArn: devS3 },
    ),
  ];
  for (const u of users) {
    const userOp = op(`user:${u.name}`, [], 'user', 'create', {
      path: PATH,
      tags: { ...(u.role ? { role: u.role } : {}), team: 'platform' },
      permissionsBoundary: BOUNDARY,
      email: `${u.name}@example.com`,
    });
    userOp.name = u.name;
    ops.push(userOp);
    const mailDeps = [userOp.id];
    if (u.console) {
      ops.push(op(`login-profile:${u.name}`, [userOp.id], 'login-profile', 'create', { user: u.name }));
      mailDeps.push(`login-profile:${u.name}`);
    }
    for (const g of u.groups) {
      ops.push(
        op(`membership:${u.name}:${g}`, [userOp.id, `group:${g}`], 'membership', 'create', {
          user: u.name,
          group: g,
        }),
      );
      mailDeps.push(`membership:${u.name}:${g}`);
    }
    for (const p of u.policies) {
      const deps = [userOp.id, ...(p.arn === devS3 ? [`policy:${rename('dev-s3')}`] : [])];
      ops.push(
        op(`attachment:user:${u.name}:${p.name}`, deps, 'attachment', 'create', {
          principalType: 'user',
          principal: u.name,
          policyArn: p.arn,
        }),
      );
      mailDeps.push(`attachment:user:${u.name}:${p.name}`);
    }
    const mail = op(`email:${u.name}`, mailDeps, 'email', 'create', {
      user: u.name,
      email: `${u.name}@example.com`,
      console: u.console,
      role: u.role,
      groups: u.groups,
      policies: u.policies.map((p) => p.name),
    });
    mail.name = u.name;
    ops.push(mail);
  }
  return ops;
}
