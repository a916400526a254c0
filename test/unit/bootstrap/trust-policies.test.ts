/** Who may assume each role: the OIDC subjects the template trusts for each parameter choice. */
import { deployedRole } from '../../harness/role-check.js';
import { loadTemplate, TemplateResolver, type StackContext } from '../../harness/cfn-template.js';

const base = {
  GitHubOrg: 'acme',
  GitHubRepo: 'aws-users',
  SesIdentityArn: 'arn:aws:ses:us-east-1:123456789012:identity/iam@example.com',
  SesFromAddress: 'iam@example.com',
};
const stack = (parameters: Record<string, string> = {}): StackContext => ({
  accountId: '123456789012',
  region: 'us-east-1',
  stackName: 'iam-gitops',
  parameters: { ...base, ...parameters },
});

type Statement = {
  Effect: string;
  Action: string;
  Principal: { Federated: string };
  Condition: Record<string, Record<string, string | string[]>>;
};
const only = (trust: { Statement: unknown[] }): Statement => {
  expect(trust.Statement).toHaveLength(1);
  return trust.Statement[0] as Statement;
};

test('the apply role trusts only the protected environment of the one repository, with the STS audience', () => {
  const s = only(deployedRole(stack(), 'apply').trust);
  expect(s.Effect).toBe('Allow');
  expect(s.Action).toBe('sts:AssumeRoleWithWebIdentity');
  expect(s.Principal.Federated).toBe(
    'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  );
  expect(s.Condition).toEqual({
    StringEquals: {
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:acme/aws-users:environment:iam-apply',
    },
  });
});

test('ApplyTrust=branch trusts the default branch instead of an environment', () => {
  const s = only(deployedRole(stack({ ApplyTrust: 'branch', DefaultBranch: 'trunk' }), 'apply').trust);
  expect(s.Condition.StringEquals!['token.actions.githubusercontent.com:sub']).toBe(
    'repo:acme/aws-users:ref:refs/heads/trunk',
  );
});

test('the plan role trusts same-repository pull requests and the default branch (drift), nothing else', () => {
  const s = only(deployedRole(stack(), 'plan').trust);
  expect(Object.keys(s.Condition)).toEqual(['StringEquals']);
  expect(s.Condition.StringEquals).toEqual({
    'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
    'token.actions.githubusercontent.com:sub': [
      'repo:acme/aws-users:pull_request',
      'repo:acme/aws-users:ref:refs/heads/main',
    ],
  });
});

test('with OwnerId and RepositoryId both roles use the immutable subject form', () => {
  const ids = { OwnerId: '1234', RepositoryId: '98765' };
  expect(
    only(deployedRole(stack(ids), 'apply').trust).Condition.StringEquals![
      'token.actions.githubusercontent.com:sub'
    ],
  ).toBe('repo:acme@1234/aws-users@98765:environment:iam-apply');
  expect(
    only(deployedRole(stack(ids), 'plan').trust).Condition.StringEquals![
      'token.actions.githubusercontent.com:sub'
    ],
  ).toEqual([
    'repo:acme@1234/aws-users@98765:pull_request',
    'repo:acme@1234/aws-users@98765:ref:refs/heads/main',
  ]);
  // One of the two ids alone is a mistake the template must not half-apply.
  expect(
    only(deployedRole(stack({ OwnerId: '1234' }), 'apply').trust).Condition.StringEquals![
      'token.actions.githubusercontent.com:sub'
    ],
  ).toBe('repo:acme/aws-users:environment:iam-apply');
});

test('the OIDC provider is created only when asked, and both roles reference the same provider ARN', () => {
  const created = new TemplateResolver(loadTemplate(), stack());
  expect(created.exists('GitHubOidcProvider')).toBe(true);
  expect(created.properties('GitHubOidcProvider')).toEqual({
    Url: 'https://token.actions.githubusercontent.com',
    ClientIdList: ['sts.amazonaws.com'],
  });
  const existing = new TemplateResolver(loadTemplate(), stack({ CreateOidcProvider: 'false' }));
  expect(existing.exists('GitHubOidcProvider')).toBe(false);
  const a = only(deployedRole(stack({ CreateOidcProvider: 'false' }), 'apply').trust);
  expect(a.Principal.Federated).toBe(
    'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  );
});

test('outputs name both role ARNs', () => {
  const r = new TemplateResolver(loadTemplate(), stack());
  expect(r.output('PlanRoleArn')).toBe('arn:aws:iam::123456789012:role/iam-gitops-plan');
  expect(r.output('ApplyRoleArn')).toBe('arn:aws:iam::123456789012:role/iam-gitops-apply');
});

test('no trust statement uses StringLike or ForAllValues (both widen who may assume)', () => {
  const text = JSON.stringify([deployedRole(stack(), 'plan').trust, deployedRole(stack(), 'apply').trust]);
  expect(text).not.toMatch(/StringLike|ForAllValues/);
});
