/**
 * The drift flow lints what is live: with the real pipeline (offline, then an account state put in
 * its place) an unmanaged administrator becomes an error annotation and a line in the summary.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import type { AwsClients } from '../../../src/aws/clients.js';
import { createEngine } from '../../../src/github/engine.js';
import { driftFlow } from '../../../src/github/flow-drift.js';
import type { Settings } from '../../../src/inputs.js';
import { runPlan } from '../../../src/pipeline.js';

const dirs: string[] = [];
let summaryFile: string;
const savedSummary = process.env.GITHUB_STEP_SUMMARY;

beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-flow-drift-'));
  dirs.push(dir);
  summaryFile = path.join(dir, 'summary.md');
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
});
afterAll(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  if (savedSummary === undefined) delete process.env.GITHUB_STEP_SUMMARY;
  else process.env.GITHUB_STEP_SUMMARY = savedSummary;
  process.exitCode = undefined;
});

function repo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-flow-drift-repo-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(
    path.join(dir, 'iam-gitops.yml'),
    'email:\n  from: iam@example.com\nmonitoring:\n  enabled: false\n',
  );
  writeFileSync(path.join(dir, 'users/team.csv'), 'username,email\nann,ann@example.com\n');
  return dir;
}

function settings(dir: string): Settings {
  return {
    mode: 'drift',
    auto: true,
    roleToAssume: null,
    planRoleToAssume: null,
    awsRegion: 'us-east-1',
    githubToken: 'test-token',
    configPath: 'iam-gitops.yml',
    dir,
    dirFromWorkspace: '',
    eventName: 'schedule',
    payload: {},
    sha: 'c'.repeat(40),
    ref: 'refs/heads/main',
    runId: 1,
    repo: { owner: 'acme', repo: 'iam' },
    apiUrl: 'http://127.0.0.1:9',
    serverUrl: 'https://github.com',
    oidcAvailable: true,
  };
}

test('an unmanaged user with AdministratorAccess is an error annotation and a summary line', async () => {
  writeFileSync(summaryFile, '');
  const written: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((t) => {
    written.push(String(t));
    return true;
  });
  try {
    const s = settings(repo());
    await driftFlow(
      s,
      {
        ...createEngine(s),
        awsClients: async () => ({}) as AwsClients,
        runPlan: async (o) => {
          const r = await runPlan({ ...o, offline: true, clients: undefined });
          if (!r.ok) return r;
          r.actual.users.push({
            name: 'legacy',
            arn: 'arn:aws:iam::123456789012:user/legacy',
            path: '/',
            tags: {},
            groups: [],
            attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
            inlinePolicyNames: [],
            hasLoginProfile: false,
            permissionsBoundaryArn: null,
          });
          return r;
        },
        now: () => new Date('2026-11-23T10:00:00Z'),
      },
      null, // the account report has its own tests; here only the live lint speaks
    );
  } finally {
    stdout.mockRestore();
  }
  const out = written.join('');
  expect(out).toMatch(
    /::error title=iam-gitops lint%3A unmanaged-user-admin.*::user legacy: Unmanaged user legacy has administrator access/,
  );
  expect(readFileSync(summaryFile, 'utf8')).toContain('live lint — 1 error');
});
