import { parseArgs } from '../../../src/commands/args.js';
import { validateCommand } from '../../../src/commands/validate.js';
import { loadDesired } from '../../../src/desired/index.js';
import { lintDesired } from '../../../src/lint/index.js';

/** `lines`: the diagnostics (stderr) followed by the summary (stdout), as a terminal shows them. */
async function run(dir: string): Promise<{ code: number; lines: string[]; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await validateCommand(parseArgs(['validate', '--dir', dir]), {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
  });
  return { code, lines: (err + out).trimEnd().split('\n'), out, err };
}

test('the summary goes to stdout and the diagnostics to stderr, so `validate > file` keeps the verdict', async () => {
  const r = await run('test/fixtures/malformed/many-problems');
  expect(r.out).toBe('4 files checked: 5 errors, 0 warnings\n');
  expect(r.err.trimEnd().split('\n')).toHaveLength(5);
  expect(r.err).not.toContain('files checked');
});

describe('iam-gitops validate', () => {
  it("passes the repository's own examples with no diagnostics", async () => {
    const { code, lines } = await run('.');
    expect(lines).toEqual(['7 files checked: 0 errors, 0 warnings']);
    expect(code).toBe(0);
  });

  it('reports every problem of every file as file:line:col and exits 1', async () => {
    const { code, lines } = await run('test/fixtures/malformed/many-problems');
    expect(code).toBe(1);
    expect(lines).toEqual([
      "iam-gitops.yml:5:3: error: unknown key 'perod' in monitoring; did you mean 'period'?",
      'policies/dev-s3.json:4:83: error: Statement 1: Principal is not allowed in an identity policy (it is for resource policies); remove it',
      "users/a.csv:3:1: error: username 'bad name' must be 1–64 of A-Z a-z 0-9 + = , . @ _ - (no spaces)",
      "users/b.csv:2:1: error: user 'ALICE' is already defined at users/a.csv:2 (IAM user names are case-insensitive); remove one row",
      "users/b.csv:2:22: error: group 'developer' is not declared in iam-gitops.yml; did you mean 'developers'? to create it, declare it under 'groups:' in iam-gitops.yml (developer: {policies: [...]})",
      '4 files checked: 5 errors, 0 warnings',
    ]);
  });

  it('prints warnings as warning: and still exits 0', async () => {
    const { code, lines } = await run('test/fixtures/malformed/unused-policy-warning');
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^policies\/forgotten\.json:1:1: warning: policy 'forgotten' is not used/);
    expect(lines[1]).toBe('3 files checked: 0 errors, 1 warning');
  });

  it('reports an encoding problem as a diagnostic, not a crash', async () => {
    const { code, lines } = await run('test/fixtures/malformed/utf16-csv');
    expect(code).toBe(1);
    expect(lines[0]).toBe('users/team.csv:1:1: error: users/team.csv is UTF-16; save it as UTF-8');
  });

  it('says clearly when --dir does not exist', async () => {
    const { code, lines } = await run('no/such/dir');
    expect(code).toBe(1);
    expect(lines).toEqual([
      "error: --dir 'no/such/dir' is not a directory; point --dir at the repository root",
    ]);
  });

  it('keeps the examples free of lint errors and warnings (they are the demo input)', async () => {
    const { state } = await loadDesired('.');
    const findings = lintDesired(state!).findings.filter((f) => f.severity !== 'notice');
    expect(findings).toEqual([]);
  });

  it('the examples describe a small company: groups, several CSVs, console users, tags and roles', async () => {
    const { state } = await loadDesired('.');
    expect(state!.config.path).toBe('/iam-gitops/');
    expect(Object.keys(state!.config.groups).sort()).toEqual(['billing', 'data-analysts', 'developers']);
    expect(state!.config.monitoring).toMatchObject({ enabled: true, alarmEmails: ['secops@example.com'] });
    expect(state!.config.email.from).toBe('iam@example.com');
    expect(new Set(state!.users.map((u) => u.source.file)).size).toBe(3);
    expect(state!.users.length).toBeGreaterThanOrEqual(8);
    expect(state!.users.some((u) => u.console)).toBe(true);
    expect(state!.users.some((u) => !u.console)).toBe(true);
    expect(state!.users.every((u) => u.groups.length > 0 && u.policies.length === 0)).toBe(true);
  });
});
