/** working-directory and config must stay inside GITHUB_WORKSPACE, symbolic links followed. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getSettings, InputError, type ContextLike } from '../../../src/inputs.js';

const base = mkdtempSync(path.join(tmpdir(), 'inputs-paths-'));
const workspace = path.join(base, 'workspace');
const outside = path.join(base, 'outside');
mkdirSync(path.join(workspace, 'iam'), { recursive: true });
mkdirSync(outside);
writeFileSync(path.join(outside, 'iam-gitops.yml'), 'path: /x/\n');
writeFileSync(path.join(workspace, 'iam', 'real.yml'), 'path: /x/\n');
symlinkSync(outside, path.join(workspace, 'elsewhere'));
symlinkSync(path.join(outside, 'iam-gitops.yml'), path.join(workspace, 'iam', 'linked.yml'));
symlinkSync('real.yml', path.join(workspace, 'iam', 'inside.yml'));

const ctx: ContextLike = {
  eventName: 'pull_request',
  sha: 'a'.repeat(40),
  ref: 'refs/heads/main',
  runId: 1,
  payload: {},
  repo: { owner: 'acme', repo: 'iam' },
};
const saved = { ...process.env };
const settings = (inputs: Record<string, string>) => {
  for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  for (const [k, v] of Object.entries({ 'github-token': 'ghs_x', ...inputs }))
    process.env[`INPUT_${k.toUpperCase()}`] = v;
  return getSettings(ctx, { GITHUB_WORKSPACE: workspace });
};
afterAll(() => {
  process.env = saved;
  rmSync(base, { recursive: true, force: true });
});

test.each([
  [
    { 'working-directory': '../outside' },
    /Input working-directory '..\/outside' leads outside the workspace/,
  ],
  [{ 'working-directory': 'elsewhere' }, /Input working-directory 'elsewhere' leads outside the workspace/],
  [{ 'working-directory': outside }, /Input working-directory '.*' leads outside the workspace/],
  [
    { 'working-directory': 'iam', config: 'linked.yml' },
    /Input config 'linked.yml' leads outside the workspace .* Commit the configuration file itself/,
  ],
])('%j is refused, naming the input and the fix', (inputs, message) => {
  const run = () => settings(inputs);
  expect(run).toThrow(InputError);
  expect(run).toThrow(message);
});

test('paths inside the workspace, links that stay inside included, are accepted', () => {
  expect(settings({ 'working-directory': 'iam', config: 'inside.yml' }).dir).toBe(
    path.join(workspace, 'iam'),
  );
  expect(settings({ 'working-directory': './iam/../iam' }).dirFromWorkspace).toBe('iam');
  expect(settings({}).dirFromWorkspace).toBe('');
});
