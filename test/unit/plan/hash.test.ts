import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertNoSecrets, planHash } from '../../../src/plan/hash.js';
import { diff } from '../../../src/targets/plan.js';
import { runPlan } from '../../../src/pipeline.js';
import type { Operation } from '../../../src/model/plan.js';
import { actual, aws, custom, desired, policy, S3_READ, user } from './fixtures.js';

const REPO = 'acme/iam';

describe('plan hash over plain values', () => {
  const users = [
    user('alice', { groups: ['a', 'b'], policies: [aws('ReadOnlyAccess'), custom('dev-s3')], console: true }),
    user('bob', { tags: { team: 'x', cost: '1' } }),
  ];
  const hashOf = (d: ReturnType<typeof desired>): string => planHash(diff(d, actual()).operations, REPO);
  const base = hashOf(desired(users, {}, [policy('dev-s3', S3_READ)]));

  test('the order of rows, groups, policies and tags does not count', () => {
    const shuffled = [
      user('bob', { tags: { cost: '1', team: 'x' } }),
      user('alice', {
        groups: ['b', 'a'],
        policies: [custom('dev-s3'), aws('ReadOnlyAccess')],
        console: true,
      }),
    ];
    expect(hashOf(desired(shuffled, {}, [policy('dev-s3', S3_READ)]))).toBe(base);
  });

  test('where a row came from (file, line) does not count', () => {
    const moved = users.map((u, i) => ({ ...u, source: { file: `users/part-${i}.csv`, line: 9 + i } }));
    expect(hashOf(desired(moved, {}, [policy('dev-s3', S3_READ, 'policies/dev-s3.json')]))).toBe(base);
  });

  test('key order inside a policy document does not count', () => {
    const reordered = {
      Statement: [
        {
          Resource: 'arn:aws:s3:::dev/*',
          Effect: 'Allow' as const,
          Action: ['s3:GetObject', 's3:ListBucket'],
        },
      ],
      Version: '2012-10-17',
    };
    expect(hashOf(desired(users, {}, [policy('dev-s3', reordered)]))).toBe(base);
  });

  test('every real change does count', () => {
    const variants = [
      desired([...users, user('cy')], {}, [policy('dev-s3', S3_READ)]),
      desired([{ ...users[0]!, console: false }, users[1]!], {}, [policy('dev-s3', S3_READ)]),
      desired([{ ...users[0]!, groups: ['a'] }, users[1]!], {}, [policy('dev-s3', S3_READ)]),
      desired([users[0]!, { ...users[1]!, email: 'bob2@example.com' }], {}, [policy('dev-s3', S3_READ)]),
      desired(users, {}, [
        policy('dev-s3', { ...S3_READ, Statement: [{ ...S3_READ.Statement[0]!, Resource: '*' }] }),
      ]),
      desired(users, { path: '/other/' }, [policy('dev-s3', S3_READ)]),
    ];
    const hashes = variants.map(hashOf);
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  test('bound to the repository, and the order of operations given does not count', () => {
    const ops = diff(desired(users, {}, [policy('dev-s3', S3_READ)]), actual()).operations;
    expect(planHash([...ops].reverse(), REPO)).toBe(base);
    expect(planHash(ops, 'acme/other')).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  test('an operation carrying a secret field is refused', () => {
    const op: Operation = {
      id: 'x',
      action: 'create',
      type: 'login-profile',
      name: 'x',
      details: { user: 'x', password: 'hunter2' },
      dependsOn: [],
    };
    expect(() => planHash([op], REPO)).toThrow(/secret field \(x\.password\)/);
    expect(() => assertNoSecrets({ nested: [{ SecretAccessKey: 'k' }] })).toThrow(/SecretAccessKey/);
    for (const o of diff(desired(users, {}, [policy('dev-s3', S3_READ)]), actual()).operations) {
      expect(() => assertNoSecrets(o.details)).not.toThrow();
    }
  });
});

describe('plan hash over repository files (offline pipeline)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const CONFIG =
    'path: /iam-gitops/\ngroups:\n  developers:\n    policies: [ReadOnlyAccess]\nemail:\n  from: iam@example.com\nmonitoring:\n  enabled: false\n';
  const POLICY = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::dev/*' }],
  };
  const repo = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-hash-'));
    dirs.push(dir);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    return dir;
  };
  const hash = async (files: Record<string, string>): Promise<string> => {
    const r = await runPlan({ dir: repo(files), repo: REPO, offline: true });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    return r.plan.hash;
  };
  const HEADER = 'username,email,groups,policies,console\n';
  const ALICE = 'alice,alice@example.com,developers,dev-s3,true\n';
  const BOB = 'bob,bob@example.com,,ReadOnlyAccess,false\n';

  test('row order, splitting users over files and JSON formatting leave the hash unchanged; an edit changes it', async () => {
    const one = await hash({
      'iam-gitops.yml': CONFIG,
      'users/team.csv': HEADER + ALICE + BOB,
      'policies/dev-s3.json': JSON.stringify(POLICY),
    });
    const split = await hash({
      'iam-gitops.yml': CONFIG,
      'users/b.csv': HEADER + BOB,
      'users/a.csv': '# first team\n' + HEADER + '\n' + ALICE,
      'policies/dev-s3.json': JSON.stringify(
        {
          Statement: [{ Resource: 'arn:aws:s3:::dev/*', Action: 's3:GetObject', Effect: 'Allow' }],
          Version: '2012-10-17',
        },
        null,
        4,
      ),
    });
    const reordered = await hash({
      'iam-gitops.yml': CONFIG,
      'users/team.csv': HEADER.replace('\n', '\r\n') + BOB + ALICE,
      'policies/dev-s3.json': JSON.stringify(POLICY, null, 2),
    });
    expect(split).toBe(one);
    expect(reordered).toBe(one);
    const edited = await hash({
      'iam-gitops.yml': CONFIG,
      'users/team.csv': HEADER + ALICE.replace('true', 'false') + BOB,
      'policies/dev-s3.json': JSON.stringify(POLICY),
    });
    expect(edited).not.toBe(one);
  });
});
