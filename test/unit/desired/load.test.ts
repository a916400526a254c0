import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDesired } from '../../../src/desired/index.js';
import { defaultConfig } from '../../../src/config/defaults.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-desired-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

describe('loadDesired', () => {
  it('validates the original seed layout username,email,role,policy as it is', async () => {
    const r = await loadDesired('test/fixtures/valid/seed-layout');
    expect(r.diagnostics).toEqual([]);
    expect(r.state!.config).toEqual(defaultConfig());
    expect(r.state!.users.map((u) => [u.name, u.role, u.policies])).toEqual([
      [
        'jane.doe',
        'Developer',
        [{ kind: 'aws', name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      ],
      [
        'john.smith',
        'Data Analyst',
        [
          {
            kind: 'aws',
            name: 'AmazonAthenaFullAccess',
            arn: 'arn:aws:iam::aws:policy/AmazonAthenaFullAccess',
          },
        ],
      ],
      [
        'maria.garcia',
        'Finance',
        [{ kind: 'aws', name: 'Billing', arn: 'arn:aws:iam::aws:policy/job-function/Billing' }],
      ],
    ]);
  });

  it('works without iam-gitops.yml and with a single-statement policy object', async () => {
    const r = await loadDesired('test/fixtures/valid/no-config');
    expect(r.diagnostics).toEqual([]);
    expect(r.files).toEqual(['policies/s3-reports.json', 'users/people.csv']);
    expect(r.state!.policies[0]!.document.Statement).toHaveLength(1);
    expect(r.state!.users[0]!.policies.map((p) => p.kind)).toEqual(['custom', 'aws']);
  });

  it('reads users/*.csv in name order and reports every file, sorted by file then line', async () => {
    write({
      'users/b.csv': 'username,email\nbob,bad\nann,ann@example.com\n',
      'users/a.csv': 'username,email\nzed,zed@example.com\nyan,nope\n',
      'users/notes.txt': 'ignored',
      'policies/x.json': '{',
      'iam-gitops.yml': 'maxDeletes: -1\n',
    });
    const r = await loadDesired(dir);
    expect(r.state).toBeNull();
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual([
      'iam-gitops.yml:1',
      'policies/x.json:1',
      'users/a.csv:3',
      'users/b.csv:2',
    ]);
    expect(r.files).toEqual(['policies/x.json', 'iam-gitops.yml', 'users/a.csv', 'users/b.csv']);
  });

  it('keeps the state when there are only warnings', async () => {
    write({
      'users/a.csv': 'username,email\nann,ann@example.com\n',
      'policies/spare.json':
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}',
    });
    const r = await loadDesired(dir);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(r.state!.users).toHaveLength(1);
    expect(r.state!.policies.map((p) => p.name)).toEqual(['spare']);
  });

  it('warns when there are no users/*.csv files', async () => {
    write({ 'iam-gitops.yml': 'maxDeletes: 1\n' });
    const r = await loadDesired(dir);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        file: 'users',
        severity: 'warning',
        message: expect.stringContaining('no users/*.csv'),
      }),
    ]);
    expect(r.state!.users).toEqual([]);
  });

  it('reads the config from configPath and reports a missing explicit one', async () => {
    write({
      'config/iam.yml': 'groups:\n  ops: {}\n',
      'users/a.csv': 'username,email,groups\nann,ann@example.com,ops\n',
    });
    const r = await loadDesired(dir, { configPath: 'config/iam.yml' });
    expect(r.diagnostics).toEqual([]);
    expect(r.state!.config.source).toBe('config/iam.yml');
    const missing = await loadDesired(dir, { configPath: 'nope.yml' });
    expect(missing.diagnostics.map((d) => `${d.file}: ${d.message}`)).toContain(
      'nope.yml: config file nope.yml does not exist; fix the config path or remove it to use iam-gitops.yml',
    );
  });

  it('says which group file to edit when a group is unknown with a custom config path', async () => {
    write({
      'config/iam.yml': 'groups: {}\n',
      'users/a.csv': 'username,email,groups\nann,ann@example.com,ops\n',
    });
    const r = await loadDesired(dir, { configPath: 'config/iam.yml' });
    expect(r.diagnostics[0]!.message).toContain("declare it under 'groups:' in config/iam.yml");
  });

  it('reports a missing directory instead of throwing', async () => {
    const r = await loadDesired(path.join(dir, 'missing'));
    expect(r.state).toBeNull();
    expect(r.diagnostics[0]!.message).toContain('does not exist');
  });

  it('warns when a policy file shadows an AWS managed policy name', async () => {
    write({
      'policies/ReadOnlyAccess.json':
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}',
      'users/a.csv': 'username,email,policies\nann,ann@example.com,ReadOnlyAccess\n',
    });
    const r = await loadDesired(dir);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("'ReadOnlyAccess' is also an AWS managed policy"),
    ]);
    expect(r.state!.users[0]!.policies).toEqual([{ kind: 'custom', name: 'ReadOnlyAccess' }]);
  });
});
