import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { autoMode, getSettings, InputError, runUrl, type ContextLike } from '../../../src/inputs.js';

const workspace = mkdtempSync(path.join(tmpdir(), 'inputs-'));
mkdirSync(path.join(workspace, 'iam'));
const ctx = (eventName: string): ContextLike => ({
  eventName,
  sha: 'a'.repeat(40),
  ref: 'refs/heads/main',
  runId: 1,
  payload: {},
  repo: { owner: 'acme', repo: 'iam' },
});
const saved = { ...process.env };
const setInputs = (inputs: Record<string, string>) => {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.toUpperCase()}`] = v;
};
const env = (extra: Record<string, string> = {}) => ({ GITHUB_WORKSPACE: workspace, ...extra });
beforeEach(() => setInputs({ 'github-token': 'ghs_x' }));
afterAll(() => {
  process.env = saved;
});

test('auto picks the mode from the event; pull_request_target and unknown events are refused', () => {
  expect(autoMode('pull_request')).toBe('plan');
  expect(autoMode('push')).toBe('apply');
  expect(autoMode('schedule')).toBe('drift');
  expect(autoMode('workflow_dispatch')).toBe('drift');
  expect(autoMode('merge_group')).toBe('plan');
  expect(() => autoMode('pull_request_target')).toThrow(/refuses the 'pull_request_target' event/);
  expect(() => autoMode('release')).toThrow(/cannot pick a mode for the 'release' event.*Set the input mode/);
});

test('defaults: auto mode, no roles, us-east-1, the workspace root, iam-gitops.yml', () => {
  const s = getSettings(ctx('pull_request'), env());
  expect(s).toMatchObject({
    mode: 'plan',
    auto: true,
    roleToAssume: null,
    planRoleToAssume: null,
    awsRegion: 'us-east-1',
    configPath: 'iam-gitops.yml',
    dir: workspace,
    dirFromWorkspace: '',
    apiUrl: 'https://api.github.com',
    oidcAvailable: false,
    account: null,
    sessionName: 'iam-gitops-1-1',
  });
});

test('explicit values are read, with hyphenated input names and the API URL at call time', () => {
  setInputs({
    'github-token': 'ghs_x',
    mode: 'drift',
    'role-to-assume': 'arn:aws:iam::123456789012:role/apply',
    'plan-role-to-assume': 'arn:aws:iam::123456789012:role/ro/plan',
    'aws-region': 'eu-west-1',
    config: 'conf/iam.yml',
    'working-directory': 'iam',
  });
  const s = getSettings(
    ctx('push'),
    env({
      GITHUB_API_URL: 'http://127.0.0.1:1234',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
    }),
  );
  expect(s).toMatchObject({
    mode: 'drift',
    auto: false,
    roleToAssume: 'arn:aws:iam::123456789012:role/apply',
    planRoleToAssume: 'arn:aws:iam::123456789012:role/ro/plan',
    awsRegion: 'eu-west-1',
    configPath: 'conf/iam.yml',
    dir: path.join(workspace, 'iam'),
    dirFromWorkspace: 'iam',
    apiUrl: 'http://127.0.0.1:1234',
    oidcAvailable: true,
  });
});

test.each([
  [
    { mode: 'deploy' },
    /Input mode must be one of auto, plan, apply, drift, check-changes, accounts; got 'deploy'/,
  ],
  [{ 'role-to-assume': 'apply-role' }, /Input role-to-assume must be an IAM role ARN.*got 'apply-role'/],
  [
    { 'plan-role-to-assume': 'arn:aws:iam::1234:role/x' },
    /Input plan-role-to-assume must be an IAM role ARN/,
  ],
  [{ 'aws-region': 'Europe' }, /Input aws-region must be an AWS region like us-east-1; got 'Europe'/],
  [{ 'github-token': '' }, /Input github-token is empty/],
  // The account names a label and a section: a value with a newline or a workflow command is refused.
  [{ account: 'prod\n::stop-commands::x' }, /Input account must be an account name/],
  [{ account: '../prod' }, /Input account must be an account name/],
  [{ config: '../secrets.yml' }, /Input config must be a path inside working-directory/],
  [{ 'working-directory': 'nope' }, /Input working-directory 'nope' is not a directory/],
])('invalid input %j is a clear error', (inputs, message) => {
  setInputs({ 'github-token': 'ghs_x', ...inputs });
  const run = () => getSettings(ctx('pull_request'), env());
  expect(run).toThrow(InputError);
  expect(run).toThrow(message);
});

test('the run link: GITHUB_SERVER_URL as an http(s) origin only, anything else falls back to github.com', () => {
  const link = (server?: string) =>
    runUrl({
      ...getSettings(ctx('push'), env(server === undefined ? {} : { GITHUB_SERVER_URL: server })),
      runId: 99,
    });
  expect(link()).toBe('https://github.com/acme/iam/actions/runs/99');
  expect(link('https://ghe.example.com/')).toBe('https://ghe.example.com/acme/iam/actions/runs/99');
  // A value that would break out of the Markdown link, or a script URL, never reaches the comment.
  expect(link('javascript:alert(1)')).toBe('https://github.com/acme/iam/actions/runs/99');
  expect(link('https://ghe.example.com/x) [click](https://evil.example')).toBe(
    'https://ghe.example.com/acme/iam/actions/runs/99',
  );
});
