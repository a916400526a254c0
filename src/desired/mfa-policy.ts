/**
 * The policy `mfa: required` attaches to every managed console user, as data.
 *
 * It is AWS's documented example "IAM: Allows IAM users to self-manage an MFA device" (IAM User
 * Guide, reference_policies_examples_iam_mfa-selfmanage), the "force MFA" pattern: a user may
 * list, create, enable and resync their own MFA device; everything else is denied unless the
 * request was signed in with MFA (`BoolIfExists aws:MultiFactorAuthPresent false`).
 *
 * Two changes, both required by how iam-gitops creates users, and both about the caller only:
 * - The user's own ARN is also written with a path: AWS's example's `user/${aws:username}`
 *   matches only users at `/`, so a user at `/iam-gitops/` could not enable their own device.
 *   A second ARN, a wildcard path then `/${aws:username}` (SELF below), adds every path and
 *   still only the caller: a user name holds no `/`, so the ARN's last segment is the name. A
 *   wildcard without that slash is not used: `user/` + `*alice` also matches `user/x/malice`.
 * - A console user starts with a temporary password that must be changed at first sign-in,
 *   before any MFA device exists: `iam:ChangePassword` (own user) and
 *   `iam:GetAccountPasswordPolicy` are allowed and exempt from the deny, as the example
 *   "AWS: Allows MFA-authenticated IAM users to manage their own credentials on the Security
 *   credentials page" does; `iam:GetUser` and `sts:GetSessionToken` are exempt as there, so the
 *   console page loads and a command-line user can get an MFA session.
 */
import type { PolicyDocument } from '../model/policy.js';

/** The customer managed policy and the group that carries it; both created and kept by the plan. */
export const MFA_POLICY_NAME = 'iam-gitops-mfa-required';
export const MFA_GROUP_NAME = 'iam-gitops-mfa-required';

/** Actions a user signed in without MFA may still call: exactly what enrolling needs. */
export const MFA_EXEMPT_ACTIONS = [
  'iam:ChangePassword',
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetAccountPasswordPolicy',
  'iam:GetUser',
  'iam:ListMFADevices',
  'iam:ListUsers',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'sts:GetSessionToken',
] as const;

/** The caller's own user ARN, at `/` (AWS's example) and at any path. */
const SELF = ['arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::*:user/*/${aws:username}'];

/** The policy document; the same for every account and path. */
export function mfaPolicyDocument(): PolicyDocument {
  const self = [...SELF];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowListActions',
        Effect: 'Allow',
        Action: ['iam:ListUsers', 'iam:ListVirtualMFADevices'],
        Resource: '*',
      },
      {
        Sid: 'AllowUserToCreateVirtualMFADevice',
        Effect: 'Allow',
        Action: ['iam:CreateVirtualMFADevice'],
        Resource: 'arn:aws:iam::*:mfa/*',
      },
      {
        Sid: 'AllowUserToManageTheirOwnMFA',
        Effect: 'Allow',
        Action: ['iam:EnableMFADevice', 'iam:GetMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
        Resource: self,
      },
      {
        Sid: 'AllowUserToDeactivateTheirOwnMFAOnlyWhenUsingMFA',
        Effect: 'Allow',
        Action: ['iam:DeactivateMFADevice'],
        Resource: self,
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
      {
        Sid: 'AllowUserToSetTheirOwnPasswordAtFirstSignIn',
        Effect: 'Allow',
        Action: ['iam:ChangePassword', 'iam:GetUser'],
        Resource: self,
      },
      {
        Sid: 'AllowReadingThePasswordPolicy',
        Effect: 'Allow',
        Action: ['iam:GetAccountPasswordPolicy'],
        Resource: '*',
      },
      {
        Sid: 'BlockMostAccessUnlessSignedInWithMFA',
        Effect: 'Deny',
        NotAction: [...MFA_EXEMPT_ACTIONS],
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
    ],
  };
}
