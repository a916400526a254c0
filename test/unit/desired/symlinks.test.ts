/** Symbolic links in the repository: followed only while they stay inside it, with real links on disk. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDesired } from '../../../src/desired/index.js';

let base: string;
let repo: string;
let secret: string;
const SECRET_TEXT = 'username,email\nroot-secret-7f3a,leak@example.com\n';

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'iam-gitops-links-'));
  repo = path.join(base, 'repo');
  secret = path.join(base, 'outside');
  mkdirSync(path.join(repo, 'users'), { recursive: true });
  mkdirSync(path.join(repo, 'policies'), { recursive: true });
  mkdirSync(secret);
  writeFileSync(path.join(secret, 'team.csv'), SECRET_TEXT);
  writeFileSync(path.join(secret, 'p.json'), '{"Version":"2012-10-17","Statement":[]}');
  writeFileSync(path.join(secret, 'cfg.yml'), 'path: /secret-outside/\n');
  writeFileSync(path.join(repo, 'users', 'team.csv'), 'username,email\ncarol,carol@example.com\n');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const errorsOf = (r: Awaited<ReturnType<typeof loadDesired>>) =>
  r.diagnostics.filter((d) => d.severity === 'error');
const leaked = (r: Awaited<ReturnType<typeof loadDesired>>) =>
  JSON.stringify(r).includes('root-secret-7f3a') || JSON.stringify(r).includes('secret-outside');

test('a CSV under users/ that links outside the repository is refused, naming the file and the fix', async () => {
  symlinkSync(path.join(secret, 'team.csv'), path.join(repo, 'users', 'evil.csv'));
  const r = await loadDesired(repo);
  expect(r.state).toBeNull();
  expect(errorsOf(r)).toEqual([
    expect.objectContaining({
      file: 'users/evil.csv',
      message: expect.stringMatching(/symbolic link to a file outside the repository.*replace the link/),
    }),
  ]);
  expect(leaked(r)).toBe(false);
});

test('a policy that links outside, and a relative link climbing out with ../, are refused', async () => {
  symlinkSync(path.join(secret, 'p.json'), path.join(repo, 'policies', 'abs.json'));
  symlinkSync('../../outside/p.json', path.join(repo, 'policies', 'rel.json'));
  const r = await loadDesired(repo);
  expect(errorsOf(r).map((d) => d.file)).toEqual(['policies/abs.json', 'policies/rel.json']);
});

test('users/ as a link to a directory outside is refused; nothing in it is read', async () => {
  rmSync(path.join(repo, 'users'), { recursive: true });
  symlinkSync(secret, path.join(repo, 'users'));
  const r = await loadDesired(repo);
  expect(errorsOf(r)).toEqual([
    expect.objectContaining({ file: 'users', message: expect.stringMatching(/to a directory outside/) }),
  ]);
  expect(r.files).toEqual([]);
  expect(leaked(r)).toBe(false);
});

test('a linked config outside the repository is refused, by default name and by the config input', async () => {
  symlinkSync(path.join(secret, 'cfg.yml'), path.join(repo, 'iam-gitops.yml'));
  const r = await loadDesired(repo);
  expect(errorsOf(r)).toEqual([expect.objectContaining({ file: 'iam-gitops.yml' })]);
  expect(leaked(r)).toBe(false);

  rmSync(path.join(repo, 'iam-gitops.yml'));
  mkdirSync(path.join(repo, 'conf'));
  symlinkSync(secret, path.join(repo, 'conf', 'linked'));
  const viaDir = await loadDesired(repo, { configPath: 'conf/linked/cfg.yml' });
  expect(errorsOf(viaDir)).toEqual([expect.objectContaining({ file: 'conf/linked/cfg.yml' })]);
  expect(leaked(viaDir)).toBe(false);
});

test('a link into .git (where actions/checkout may keep the token) is refused like one outside', async () => {
  mkdirSync(path.join(repo, '.git'));
  writeFileSync(path.join(repo, '.git', 'config'), '[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n');
  symlinkSync('../.git/config', path.join(repo, 'users', 'git.csv'));
  const r = await loadDesired(repo);
  expect(errorsOf(r).map((d) => [d.file, d.message])).toEqual([
    ['users/git.csv', expect.stringMatching(/outside the repository \(or into \.git\)/)],
  ]);
  expect(JSON.stringify(r)).not.toContain('c2VjcmV0');
});

test('a dangling link is refused rather than skipped', async () => {
  symlinkSync(path.join(secret, 'gone.csv'), path.join(repo, 'users', 'gone.csv'));
  const r = await loadDesired(repo);
  expect(errorsOf(r).map((d) => d.file)).toEqual(['users/gone.csv']);
});

test('links that stay inside the repository are read like the files they point to', async () => {
  mkdirSync(path.join(repo, 'shared'));
  writeFileSync(path.join(repo, 'shared', 'ops.csv'), 'username,email\ndave,dave@example.com\n');
  symlinkSync('../shared/ops.csv', path.join(repo, 'users', 'ops.csv'));
  const r = await loadDesired(repo);
  expect(errorsOf(r)).toEqual([]);
  expect(r.state!.users.map((u) => u.name).sort()).toEqual(['carol', 'dave']);
});
