/** The Identity Center part of `report`: who reaches which account with which permission set. */
import type { DesiredState, DesiredUser } from '../../../src/model/desired.js';
import { buildIdentityCenterReport } from '../../../src/report/identity-center.js';
import { reportFails } from '../../../src/report/build.js';
import type { Report } from '../../../src/report/model.js';
import { renderReport } from '../../../src/report/render.js';
import { testConfig } from '../../helpers/config.js';
import { DEV, PROD, snapshot } from '../../helpers/ic-snapshot.js';

const person = (name: string): DesiredUser => ({
  name,
  email: `${name}@example.com`,
  groups: [],
  policies: [],
  console: false,
  tags: {},
  role: null,
  source: { file: 'users/team.csv', line: 2 },
});

function desired(): DesiredState {
  const src = { file: 'iam-gitops.yml', line: 1 };
  const config = testConfig({
    accounts: [
      { name: 'dev', id: DEV, planRole: null, applyRole: null, region: null, source: src },
      { name: 'prod', id: PROD, planRole: null, applyRole: null, region: null, source: src },
    ],
  });
  config.identityCenter = { ...config.identityCenter, enabled: true };
  return { config, users: [person('ana'), person('ben')], policies: [] };
}

const wrap = (ic: ReturnType<typeof buildIdentityCenterReport>): Report => ({
  accountId: DEV,
  generatedAt: '2026-11-29T00:00:00.000Z',
  credentialReport: { generatedAt: null, ageHours: null, askedDirectly: [] },
  users: [],
  checks: [],
  errors: [],
  identityCenter: ic,
});

describe('Identity Center report', () => {
  test('each person reaches the accounts of their groups’ permission sets, and direct assignments', () => {
    const r = buildIdentityCenterReport(snapshot(), desired());
    expect(r.access.map((a) => [a.userName, a.account ?? a.accountId, a.permissionSet, a.via])).toEqual([
      ['ana', 'dev', 'iam-gitops-builders', 'builders'],
      ['ana', 'dev', 'iam-gitops-operators', 'operators'],
      ['ana', 'prod', 'iam-gitops-builders', 'builders'],
      ['ben', 'dev', 'iam-gitops-builders', 'builders'],
      ['ben', 'prod', 'iam-gitops-builders', 'builders'],
      ['carol', 'prod', 'Admin', null],
    ]);
    expect(r.users.map((u) => [u.userName, u.inFiles, u.managed, u.groups])).toEqual([
      ['ana', true, true, ['builders', 'operators']],
      ['ben', true, true, ['builders']],
      ['carol', false, false, []],
    ]);
  });

  test('permission sets carry the lint engine’s verdict; customer managed policies are named as not assessed', () => {
    const r = buildIdentityCenterReport(snapshot(), desired());
    const by = new Map(r.permissionSets.map((p) => [p.name, p]));
    expect(by.get('Admin')!.verdict.admin).toBe(true);
    expect(by.get('iam-gitops-builders')!.verdict.summary).toMatch(/^write: iam/);
    expect(by.get('iam-gitops-operators')!.verdict.summary).toBe('read-only; not assessed: /ops-extra');
    expect(by.get('iam-gitops-builders')!.accounts).toEqual([DEV, PROD]);
  });

  test('a person not in the files with administrator power is an error, and the report fails', () => {
    const r = buildIdentityCenterReport(snapshot(), desired());
    expect(r.errors.map((e) => e.user)).toEqual(['carol']);
    expect(r.errors[0]!.message).toContain('Admin in prod');
    expect(reportFails(wrap(r))).toBe(true);
    // Without it, the same report passes.
    expect(reportFails(wrap({ ...r, errors: [] }))).toBe(false);
  });

  test('without accounts in the files, accounts are shown by id', () => {
    const d = desired();
    d.config.accounts = [];
    const r = buildIdentityCenterReport(snapshot(), d);
    expect(r.access.every((a) => a.account === null)).toBe(true);
    expect(renderReport(wrap(r), 'text')).toContain(`      ${PROD}: iam-gitops-builders (group builders)`);
  });

  test('text names accounts and the group each permission set comes through', () => {
    const text = renderReport(wrap(buildIdentityCenterReport(snapshot(), desired())), 'text');
    expect(text).toContain(
      `    ana [managed] groups: builders, operators\n` +
        `      dev (${DEV}): iam-gitops-builders (group builders), iam-gitops-operators (group operators)\n` +
        `      prod (${PROD}): iam-gitops-builders (group builders)\n`,
    );
    expect(text).toContain(`      prod (${PROD}): Admin (direct)`);
  });

  test('markdown: names from the identity store cannot break the table or ping anyone', () => {
    const snap = snapshot();
    snap.users[2]!.userName = 'x|y <img src=a onerror=alert(1)> @org/admins';
    snap.permissionSets[2]!.name = 'Ad|min`';
    const md = renderReport(wrap(buildIdentityCenterReport(snap, desired())), 'markdown');
    const row = md.split('\n').find((l) => l.startsWith('| `x'));
    // The name is a code span (markdown renders nothing in it) whose pipe cannot end the cell.
    expect(row).toBe(
      '| `x\\|y <img src=a onerror=alert(1)> @org/admins` | unmanaged | prod (222222222222) | Ad\\|min\\` (direct) |',
    );
    // In prose (the error line) the tag is text and the mention is broken.
    const error = md.split('\n').find((l) => l.startsWith('- **x'))!;
    expect(error).toContain('&lt;img src=a onerror=alert(1)&gt;');
    expect(error).not.toContain('<img');
    expect(error).not.toMatch(/(^|[^\w])@org/);
  });

  test('JSON carries the same value', () => {
    const r = buildIdentityCenterReport(snapshot(), desired());
    const json = JSON.parse(renderReport(wrap(r), 'json')) as Report;
    expect(json.identityCenter!.access).toEqual(r.access);
  });
});
