/**
 * import's Identity Center part: people, groups with their permission set's policies and the
 * accounts it is assigned in, and what the files cannot say. The files it writes load back.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildIdentityCenterImport, type IcImportOptions } from '../../../src/adopt/identity-center.js';
import type { ImportResult } from '../../../src/adopt/select.js';
import { configYaml, usersCsv } from '../../../src/adopt/write.js';
import { loadDesired } from '../../../src/desired/index.js';
import { DEV, PROD, psArn, snapshot } from '../../helpers/ic-snapshot.js';

const ACCOUNTS = [
  { name: 'dev', id: DEV },
  { name: 'prod', id: PROD },
];

const opts = (over: Partial<IcImportOptions> = {}): IcImportOptions => ({
  select: { all: true },
  accounts: ACCOUNTS,
  defaultAccount: 'dev',
  accountId: DEV,
  emails: new Map(),
  inFiles: new Set(),
  declaredGroups: new Set(),
  customPolicies: new Set(['ops-extra']),
  sessionDuration: 'PT8H',
  relayState: null,
  ...over,
});

describe('Identity Center import', () => {
  test('people become identity-center rows with their names and groups', () => {
    const r = buildIdentityCenterImport(snapshot(), opts());
    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => [x.username, x.email, x.groups, x.identity, x.givenName, x.familyName])).toEqual(
      [
        ['ana', 'ana@example.com', ['builders', 'operators'], 'identity-center', 'Ana', 'Lima'],
        ['ben', 'ben@example.com', ['builders'], 'identity-center', 'Ben', 'Okafor'],
        ['carol', 'carol@example.com', [], 'identity-center', 'Carol', 'Diaz'],
      ],
    );
  });

  test('a group’s permission set becomes its policies, the inline policy a file; accounts from the assignments', () => {
    const r = buildIdentityCenterImport(snapshot(), opts());
    expect(r.groups).toEqual({
      builders: ['ReadOnlyAccess', 'builders-permission-set'],
      operators: ['ViewOnlyAccess', 'ops-extra'],
    });
    // builders reaches dev and prod; operators only dev, the default account: no accounts: key.
    expect(r.groupAccounts).toEqual({ builders: ['dev', 'prod'] });
    expect(r.policies.map((p) => p.name)).toEqual(['builders-permission-set']);
    expect(JSON.parse(r.policies[0]!.text)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*' }],
    });
  });

  test('an assignment to a person directly is named and left as it is', () => {
    const r = buildIdentityCenterImport(snapshot(), opts());
    expect(r.decisions.filter((d) => d.startsWith('carol'))).toEqual([
      expect.stringContaining('carol is assigned the permission set Admin in prod directly'),
    ]);
  });

  test('--users picks people by name, case-insensitively, and reports names the instance lacks', () => {
    const r = buildIdentityCenterImport(snapshot(), opts({ select: { all: false, users: ['BEN', 'zed'] } }));
    expect(r.rows.map((x) => x.username)).toEqual(['ben']);
    expect(Object.keys(r.groups)).toEqual(['builders']);
    expect(r.missing).toEqual(['zed']);
  });

  test('a group name iam-gitops.yml cannot hold (a path, a cell separator) stops the import: no policy file is named after it', () => {
    const s = snapshot();
    // Renamed by hand in Identity Center; its permission set has an inline policy, written as policies/<group>-permission-set.json.
    s.groups[0]!.displayName = '../../outside;admins';
    const r = buildIdentityCenterImport(s, opts());
    expect(r.problems).toEqual([
      expect.stringContaining(
        'Identity Center group "../../outside;admins" has a name iam-gitops.yml cannot hold',
      ),
    ]);
    expect(r.policies).toEqual([]);
    expect(Object.keys(r.groups)).toEqual(['operators']);
  });

  test('a customer managed policy the repository lacks stops the import with the fix', () => {
    const r = buildIdentityCenterImport(snapshot(), opts({ customPolicies: new Set() }));
    expect(r.problems).toEqual([
      expect.stringContaining(
        'references the customer managed policy /ops-extra, which lives in each account: save its document as policies/ops-extra.json',
      ),
    ]);
  });

  test('a group with two permission sets cannot be one group in the files', () => {
    const snap = snapshot();
    snap.assignments.push({
      accountId: PROD,
      permissionSetArn: psArn('o'),
      principalType: 'GROUP',
      principalId: 'g-b',
    });
    const r = buildIdentityCenterImport(snap, opts());
    expect(r.problems).toEqual([
      expect.stringMatching(
        /^group builders is assigned several permission sets \(iam-gitops-builders in dev, prod; iam-gitops-operators in prod\)/,
      ),
    ]);
    expect(r.groups.builders).toBeUndefined();
  });

  test('an account the files do not declare is named with the fix', () => {
    const r = buildIdentityCenterImport(snapshot(), opts({ accounts: [{ name: 'dev', id: DEV }] }));
    expect(r.problems).toEqual([
      expect.stringContaining(`assigned in account ${PROD}, which iam-gitops.yml does not declare`),
    ]);
  });

  test('single-account: assignments elsewhere than the credentials’ account stop the import', () => {
    const single = opts({ accounts: [], defaultAccount: null });
    const r = buildIdentityCenterImport(snapshot(), single);
    expect(r.problems).toEqual([
      expect.stringContaining(`group builders's permission set is assigned in ${PROD}`),
    ]);
    const snap = snapshot();
    snap.assignments = snap.assignments.filter((a) => a.accountId === DEV);
    const ok = buildIdentityCenterImport(snap, single);
    expect(ok.problems).toEqual([]);
    expect(ok.groupAccounts).toEqual({});
  });

  test('a session duration other than the config’s is named', () => {
    const r = buildIdentityCenterImport(snapshot(), opts({ sessionDuration: 'PT1H' }));
    expect(r.decisions.filter((d) => d.includes('session duration'))).toHaveLength(2);
  });

  test('a relay state the config does not set is named as kept (Identity Center cannot remove one), not as changed', () => {
    const snap = snapshot();
    snap.permissionSets[0] = { ...snap.permissionSets[0]!, relayState: 'https://console.aws.amazon.com/s3/' };
    const kept = buildIdentityCenterImport(snap, opts()).decisions.filter((d) => d.includes('relay state'));
    expect(kept).toEqual([
      expect.stringContaining('iam-gitops-builders has the relay state https://console.aws.amazon.com/s3/'),
    ]);
    expect(kept[0]).toMatch(
      /cannot remove a relay state, so the set keeps it and the plan warns \(relay-state-kept\)/,
    );
    expect(kept[0]).not.toMatch(/which the plan will set/);
    // A relay state in the config is set on every set: then the plan does change it.
    const set = buildIdentityCenterImport(
      snap,
      opts({ relayState: 'https://console.aws.amazon.com/' }),
    ).decisions;
    expect(set.filter((d) => d.includes('which the plan will set'))).toHaveLength(2);
  });

  test('people already in the files and groups already declared are not imported again', () => {
    const r = buildIdentityCenterImport(
      snapshot(),
      opts({ inFiles: new Set(['ana']), declaredGroups: new Set(['builders']) }),
    );
    expect(r.rows.map((x) => x.username)).toEqual(['ben', 'carol']);
    expect(r.skipped).toEqual(['ana: already in users/*.csv']);
    expect(Object.keys(r.groups)).toEqual(['operators']);
  });
});

describe('the files the Identity Center import writes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ic-import-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('load back as the same people, groups, policies and accounts', async () => {
    const existing =
      'path: /iam-gitops/\n' +
      'accounts:\n' +
      `  dev: { id: '${DEV}' }\n` +
      `  prod: { id: '${PROD}' }\n` +
      'identityCenter:\n  enabled: true\n' +
      'monitoring:\n  enabled: false\n';
    const ic = buildIdentityCenterImport(snapshot(), opts());
    const result: ImportResult = {
      rows: ic.rows,
      policies: ic.policies,
      groups: ic.groups,
      groupAccounts: ic.groupAccounts,
      identityCenter: true,
      adoptPaths: [],
      kept: [],
      decisions: [],
      skipped: [],
      problems: [],
    };
    await mkdir(path.join(dir, 'users'));
    await mkdir(path.join(dir, 'policies'));
    await writeFile(path.join(dir, 'users/imported.csv'), usersCsv(result.rows));
    await writeFile(path.join(dir, 'iam-gitops.yml'), configYaml(existing, result));
    for (const p of [
      ...result.policies,
      {
        name: 'ops-extra',
        text: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}',
      },
    ])
      await writeFile(path.join(dir, `policies/${p.name}.json`), p.text);
    const loaded = await loadDesired(dir);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const s = loaded.state!;
    expect(s.config.identityCenter.enabled).toBe(true);
    expect(
      s.users.map((u) => [u.name, u.identity, u.givenName, u.familyName, u.displayName, u.groups]),
    ).toEqual([
      ['ana', 'identity-center', 'Ana', 'Lima', 'Ana Lima', ['builders', 'operators']],
      ['ben', 'identity-center', 'Ben', 'Okafor', 'Ben Okafor', ['builders']],
      ['carol', 'identity-center', 'Carol', 'Diaz', 'Carol', []],
    ]);
    expect(s.config.groups.builders!.accounts).toEqual(['dev', 'prod']);
    expect(s.config.groups.operators!.accounts ?? null).toBeNull();
    expect(s.config.groups.builders!.policies.map((p) => p.name)).toEqual([
      'ReadOnlyAccess',
      'builders-permission-set',
    ]);
  });

  test('an IAM-only import writes the CSV exactly as before (no Identity Center columns)', () => {
    const csv = usersCsv([
      {
        username: 'a',
        email: 'a@example.com',
        groups: [],
        policies: [],
        console: true,
        tags: {},
        role: null,
      },
    ]);
    expect(csv).toBe('username,email,groups,policies,console,tags,role\na,a@example.com,,,true,,\n');
  });
});
