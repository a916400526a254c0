/** The catalogue as the lint uses it: wildcards, expansion, access levels, ARN templates. */
import {
  catalogIndex,
  dataVersion,
  expandActions,
  expandPattern,
  findAction,
  globalConditionKey,
  isServiceConditionKey,
  parseAccessLevels,
} from '../../../src/catalog/actions.js';
import {
  arnTemplates,
  arnsIntersect,
  fillTemplate,
  resourceMatchesAction,
} from '../../../src/catalog/arn.js';
import { globCovers, globsIntersect, matchesWildcard } from '../../../src/catalog/wildcard.js';

describe('wildcards', () => {
  test('* and ? match case-insensitively, nothing else is special', () => {
    expect(matchesWildcard('iam:Get*', 'IAM:getRole')).toBe(true);
    expect(matchesWildcard('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(matchesWildcard('s3:Get?bject', 's3:GetObjectAcl')).toBe(false);
    expect(matchesWildcard('a.b', 'axb')).toBe(false);
    expect(matchesWildcard('(x)+', '(x)+')).toBe(true);
  });
  test('pattern intersection and coverage', () => {
    expect(globsIntersect('arn:aws:iam::*:role/app/*', 'arn:*:iam::*:role/*')).toBe(true);
    expect(globsIntersect('abc*', 'abd*')).toBe(false);
    expect(arnsIntersect('arn:aws:iam::*:role/app/*', 'arn:*:iam::*:user/*')).toBe(false);
    expect(arnsIntersect('arn:aws:iam::*:*', 'arn:*:iam::*:user/*')).toBe(true);
    expect(globsIntersect('a*c', 'ab*')).toBe(true);
    expect(globCovers('arn:aws:s3:::b/*', 'arn:aws:s3:::b/reports/*')).toBe(true);
    expect(globCovers('arn:aws:s3:::b/reports/*', 'arn:aws:s3:::b/*')).toBe(false);
    expect(globCovers('a?', 'a*')).toBe(false);
  });
});

describe('expansion', () => {
  test('service wildcard, prefix wildcard, exact name and unknown names', () => {
    const iam = expandPattern('iam:*');
    expect(iam.length).toBe(catalogIndex().byService.get('iam')!.length);
    expect(expandPattern('iam:Get*').every((a) => a.name.startsWith('iam:Get'))).toBe(true);
    expect(expandPattern('IAM:passrole').map((a) => a.name)).toEqual(['iam:PassRole']);
    expect(expandPattern('iam:NoSuchThing')).toEqual([]);
    expect(expandPattern('nosuchsvc:*')).toEqual([]);
    expect(expandPattern('*').length).toBe(catalogIndex().all.length);
  });
  test('NotAction is every action of every service minus the listed', () => {
    const all = catalogIndex().all.length;
    const not = expandActions(['iam:*', 's3:GetObject'], true);
    expect(not.size).toBe(all - expandPattern('iam:*').length - 1);
    expect(not.has(findAction('iam:PassRole')!.id)).toBe(false);
    expect(not.has(findAction('ec2:RunInstances')!.id)).toBe(true);
    expect(expandActions(['iam:*', 's3:GetObject'], true)).toBe(not);
  });
});

test('access levels: the comma list is split and ranked', () => {
  expect(parseAccessLevels('Permissions management, Write')).toEqual(['Permissions management', 'Write']);
  expect(parseAccessLevels('Write, Tagging')).toEqual(['Tagging', 'Write']);
  expect(findAction('iam:AttachRolePolicy')!.level).toBe('Permissions management');
  expect(findAction('s3:GetObject')!.level).toBe('Read');
});

test('scopable = the action has any resource type (not the required flag)', () => {
  expect(findAction('s3:GetObject')!.scopable).toBe(true);
  expect(findAction('sts:GetCallerIdentity')!.scopable).toBe(false);
});

test('ARN templates: matching and filling', () => {
  const pr = findAction('iam:PassRole')!;
  expect(arnTemplates(pr)).toEqual(['arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}']);
  expect(fillTemplate(arnTemplates(pr)[0]!)).toBe('arn:aws:iam::*:role/<RoleNameWithPath>');
  expect(fillTemplate(arnTemplates(pr)[0]!, { account: '123456789012' })).toBe(
    'arn:aws:iam::123456789012:role/<RoleNameWithPath>',
  );
  expect(resourceMatchesAction('arn:aws:iam::123456789012:role/app/x', pr)).toBe(true);
  expect(resourceMatchesAction('arn:aws:s3:::bucket', pr)).toBe(false);
  const list = findAction('s3:ListBucket')!;
  expect(resourceMatchesAction('arn:aws:s3:::b', list)).toBe(true);
  expect(resourceMatchesAction('arn:aws:s3:::b/*', list)).toBe(false);
  expect(resourceMatchesAction('arn:aws:s3:::*', list)).toBe(true);
  expect(
    resourceMatchesAction('arn:aws:iam::*:user/${aws:username}', findAction('iam:CreateAccessKey')!),
  ).toBe(true);
});

test('condition keys: global templates and service keys', () => {
  expect(globalConditionKey('aws:PrincipalTag/team')?.type).toBe('String');
  expect(globalConditionKey('aws:TokenIssueTime')?.type).toBe('Date');
  expect(globalConditionKey('aws:NoSuchKey')).toBeUndefined();
  expect(isServiceConditionKey('iam', 'iam:PassedToService')).toBe(true);
  expect(isServiceConditionKey('s3', 'iam:PassedToService')).toBe(false);
});

test('data version names the package, version and date', () => {
  expect(dataVersion()).toMatch(/^@cloud-copilot\/iam-data \d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)$/);
});
