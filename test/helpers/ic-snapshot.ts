/** A hand-built IdentityCenterSnapshot for the pure import and report tests. */
import type { IcPermissionSet, IdentityCenterSnapshot } from '../../src/model/identity-center.js';

export const DEV = '111111111111';
export const PROD = '222222222222';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111111111111111';

export const psArn = (id: string): string => `arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-${id}`;

function set(id: string, name: string, over: Partial<IcPermissionSet> = {}): IcPermissionSet {
  return {
    arn: psArn(id),
    name,
    description: null,
    sessionDuration: 'PT8H',
    relayState: null,
    tags: { 'managed-by': 'iam-gitops' },
    managedPolicies: [],
    customerManagedPolicies: [],
    inlinePolicy: null,
    managed: true,
    ...over,
  };
}

/**
 * ana: builders (dev, prod) and operators (dev); ben: builders; carol: unmanaged, assigned the
 * unmanaged Admin permission set in prod directly.
 */
export function snapshot(): IdentityCenterSnapshot {
  return {
    instanceArn: INSTANCE,
    identityStoreId: 'd-1234567890',
    region: 'eu-west-1',
    users: [
      {
        userId: 'u-ana',
        userName: 'ana',
        displayName: 'Ana Lima',
        givenName: 'Ana',
        familyName: 'Lima',
        email: 'ana@example.com',
        managed: true,
      },
      {
        userId: 'u-ben',
        userName: 'ben',
        displayName: 'Ben Okafor',
        givenName: 'Ben',
        familyName: 'Okafor',
        email: 'ben@example.com',
        managed: true,
      },
      {
        userId: 'u-carol',
        userName: 'carol',
        displayName: 'Carol',
        givenName: 'Carol',
        familyName: 'Diaz',
        email: 'carol@example.com',
        managed: false,
      },
    ],
    groups: [
      { groupId: 'g-b', displayName: 'builders', description: 'managed-by=iam-gitops', managed: true },
      { groupId: 'g-o', displayName: 'operators', description: 'managed-by=iam-gitops', managed: true },
    ],
    memberships: [
      { membershipId: 'm1', groupId: 'g-b', userId: 'u-ana' },
      { membershipId: 'm2', groupId: 'g-o', userId: 'u-ana' },
      { membershipId: 'm3', groupId: 'g-b', userId: 'u-ben' },
    ],
    permissionSets: [
      set('b', 'iam-gitops-builders', {
        inlinePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*' }],
        }),
        managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      }),
      set('o', 'iam-gitops-operators', {
        managedPolicies: ['arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'],
        customerManagedPolicies: [{ name: 'ops-extra', path: '/' }],
      }),
      set('a', 'Admin', {
        managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        tags: {},
        managed: false,
      }),
    ],
    assignments: [
      { accountId: DEV, permissionSetArn: psArn('b'), principalType: 'GROUP', principalId: 'g-b' },
      { accountId: PROD, permissionSetArn: psArn('b'), principalType: 'GROUP', principalId: 'g-b' },
      { accountId: DEV, permissionSetArn: psArn('o'), principalType: 'GROUP', principalId: 'g-o' },
      { accountId: PROD, permissionSetArn: psArn('a'), principalType: 'USER', principalId: 'u-carol' },
    ],
    provisioned: { [psArn('b')]: [DEV, PROD], [psArn('o')]: [DEV], [psArn('a')]: [PROD] },
  };
}
