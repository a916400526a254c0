/** Base → head: actions gained and lost per user, and new versus existing findings. */
import { diffDesired, compactByLevel } from '../../../src/lint/diff.js';
import { lintDesired } from '../../../src/lint/index.js';
import { expandActions } from '../../../src/catalog/actions.js';
import { allow, policy, state } from './helpers.js';

const NOW = new Date('2026-11-23T12:00:00Z');

test('gained and lost actions per user, grouped by access level; new findings matched without lines', () => {
  const base = state({
    policies: [policy('dev', [allow(['s3:GetObject', 'ec2:RunInstances'])])],
    users: [
      { name: 'alice', groups: ['devs'] },
      { name: 'gone', groups: ['devs'] },
    ],
    groups: { devs: ['dev'] },
  });
  // Head: a blank statement shifts every line; PassRole and iam:Get* are added, ec2 removed.
  const head = state({
    policies: [
      policy('dev', [
        allow('s3:ListAllMyBuckets', 'arn:aws:s3:::x'),
        allow(['s3:GetObject', 'iam:PassRole', 'iam:Get*', 'lambda:CreateFunction']),
      ]),
    ],
    users: [
      { name: 'alice', groups: ['devs'] },
      { name: 'new', groups: ['devs'] },
    ],
    groups: { devs: ['dev'] },
  });
  const bl = lintDesired(base, { now: NOW });
  const hl = lintDesired(head, { now: NOW });
  const d = diffDesired(base, head, bl, hl, { now: NOW });
  const alice = d.users.find((u) => u.user === 'alice')!;
  expect(alice.change).toBe('changed');
  expect(alice.gained.Write).toEqual(expect.arrayContaining(['iam:PassRole', 'lambda:CreateFunction']));
  expect(alice.gained.Read).toEqual(expect.arrayContaining(['iam:GetRole']));
  expect(alice.lost.Write).toEqual(['ec2:RunInstances']);
  expect(d.users.find((u) => u.user === 'gone')!.change).toBe('removed');
  expect(d.users.find((u) => u.user === 'new')!.change).toBe('added');
  // data-exfiltration on s3:GetObject exists in both (its line moved): not new.
  expect(d.newFindings.some((f) => f.rule === 'data-exfiltration')).toBe(false);
  expect(d.newFindings.some((f) => f.rule === 'passrole-star')).toBe(true);
  expect(d.resolvedFindings.some((f) => f.actions.includes('ec2:RunInstances'))).toBe(true);
  expect(d.unchangedFindings).toBe(hl.findings.length - d.newFindings.length);
});

test('a whole service is shown as svc:*', () => {
  const c = compactByLevel(expandActions(['iam:*', 's3:GetObject']));
  expect(c['Permissions management']).toEqual(['iam:*']);
  expect(c.Read).toEqual(['iam:*', 's3:GetObject']);
});
