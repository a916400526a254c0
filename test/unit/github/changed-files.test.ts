/**
 * Which pull requests need a plan: the files the plan reads, compared between the base commit and
 * the checked-out commit in a real git clone. Whenever the answer is unsure, it is "changed".
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { baseOf, checkChanges, workflowFile, type ChangeInputs } from '../../../src/github/changed-files.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const git = (cwd: string, ...args: string[]): string =>
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8' },
  ).trim();

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

/** A clone whose base commit holds a repository of IAM files (one CSV through a link), and its sha. */
function clone(prefix = ''): { root: string; base: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'iam-gitops-changes-'));
  dirs.push(root);
  git(root, 'init', '-q', '-b', 'main');
  write(root, {
    'README.md': 'hello\n',
    '.github/workflows/iam-plan.yml': 'name: iam-plan\n',
    'people/ops.csv': 'username,email\nops,ops@example.com\n',
    [`${prefix}iam-gitops.yml`]: 'email:\n  from: iam@example.com\n',
    [`${prefix}users/team.csv`]: 'username,email\ncarol,carol@example.com\n',
    [`${prefix}policies/ops.json`]: '{}\n',
  });
  symlinkSync(
    path.relative(path.join(root, prefix, 'users'), path.join(root, 'people/ops.csv')),
    path.join(root, prefix, 'users/ops.csv'),
  );
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'base');
  return { root, base: git(root, 'rev-parse', 'HEAD') };
}

function commit(root: string, change: () => void): void {
  change();
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', 'change');
}

const inputs = (root: string, base: string, extra: Partial<ChangeInputs> = {}): ChangeInputs => ({
  dir: root,
  configPath: 'iam-gitops.yml',
  eventName: 'pull_request',
  payload: { pull_request: { base: { sha: base } } },
  workflowRef: 'acme/iam/.github/workflows/iam-plan.yml@refs/pull/1/merge',
  repository: 'acme/iam',
  ...extra,
});

test.each<[string, (root: string) => void, string[]]>([
  ['a README edit', (r) => write(r, { 'README.md': 'bye\n' }), []],
  ['a file next to the CSVs that is not one', (r) => write(r, { 'users/notes.txt': 'x\n' }), []],
  [
    'a CSV in a subfolder (the loader reads users/*.csv only)',
    (r) => write(r, { 'users/old/a.csv': 'x\n' }),
    [],
  ],
  ['another workflow', (r) => write(r, { '.github/workflows/ci.yml': 'name: ci\n' }), []],
  ['a user CSV', (r) => write(r, { 'users/team.csv': 'username,email\n' }), ['users/team.csv']],
  ['a new policy', (r) => write(r, { 'policies/new.json': '{}\n' }), ['policies/new.json']],
  ['the configuration', (r) => write(r, { 'iam-gitops.yml': 'x: 1\n' }), ['iam-gitops.yml']],
  [
    'the plan workflow itself',
    (r) => write(r, { '.github/workflows/iam-plan.yml': 'x\n' }),
    ['.github/workflows/iam-plan.yml'],
  ],
  ['a deleted policy', (r) => unlinkSync(path.join(r, 'policies/ops.json')), ['policies/ops.json']],
  [
    'a CSV moved out of users/',
    (r) => renameSync(path.join(r, 'users/team.csv'), path.join(r, 'team.csv')),
    ['users/team.csv'],
  ],
  // users/ops.csv is a link to people/ops.csv: editing the target changes the users.
  [
    'the target of a linked CSV',
    (r) => write(r, { 'people/ops.csv': 'username,email\n' }),
    ['people/ops.csv'],
  ],
])('%s', (_, change, files) => {
  const { root, base } = clone();
  commit(root, () => change(root));
  return checkChanges(inputs(root, base)).then((r) => {
    expect(r.files).toEqual(files);
    expect(r.changed).toBe(files.length > 0);
  });
});

test('with a working-directory, only its files count, and the workflow is the one running', async () => {
  const { root, base } = clone('iam/');
  commit(root, () => write(root, { 'users/x.csv': 'a\n', '.github/workflows/iam-plan.yml': 'y\n' }));
  const other = 'acme/iam/.github/workflows/access.yml@refs/pull/1/merge';
  const r = await checkChanges(inputs(root, base, { dir: path.join(root, 'iam'), workflowRef: other }));
  expect(r).toMatchObject({ changed: false, files: [] });
  commit(root, () => write(root, { 'iam/users/team.csv': 'b\n', '.github/workflows/access.yml': 'z\n' }));
  const r2 = await checkChanges(inputs(root, base, { dir: path.join(root, 'iam'), workflowRef: other }));
  expect(r2.files.sort()).toEqual(['.github/workflows/access.yml', 'iam/users/team.csv']);
});

test('unsure means changed: a base missing from a shallow clone, no base, no git checkout', async () => {
  const { root } = clone();
  commit(root, () => write(root, { 'README.md': 'bye\n' }));
  const absent = 'f'.repeat(40);
  const r = await checkChanges(inputs(root, absent));
  expect(r.changed).toBe(true);
  expect(r.reason).toContain(
    `the base commit ${absent} is not in the checkout (give actions/checkout \`fetch-depth: 2\`)`,
  );
  expect(
    (await checkChanges(inputs(root, '', { eventName: 'workflow_dispatch', payload: {} }))).changed,
  ).toBe(true);
  const plain = mkdtempSync(path.join(tmpdir(), 'iam-gitops-nogit-'));
  dirs.push(plain);
  expect(await checkChanges(inputs(plain, absent))).toMatchObject({ changed: true, files: [] });
});

test('the base comes from the event, and only as a full commit id (never an option for git)', () => {
  const s = 'a'.repeat(40);
  expect(baseOf('pull_request', { pull_request: { base: { sha: s } } })).toBe(s);
  expect(baseOf('merge_group', { merge_group: { base_sha: s } })).toBe(s);
  expect(baseOf('pull_request', { pull_request: { base: { sha: '--output=/tmp/x' } } })).toBeUndefined();
  expect(baseOf('push', {})).toBeUndefined();
  expect(workflowFile('acme/iam/.github/workflows/p.yml@refs/heads/main', 'acme/iam')).toBe(
    '.github/workflows/p.yml',
  );
  expect(workflowFile(undefined, 'acme/iam')).toBeUndefined();
});
