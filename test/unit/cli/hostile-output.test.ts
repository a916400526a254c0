/**
 * Hostile text from the repository's files (CSV header cells, user names, policy action strings,
 * condition keys, file names) through `validate`, `lint` and `plan`: no printed line may become a
 * workflow command, and JSON/SARIF output stays valid JSON with the text intact.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from '../../../src/commands/args.js';
import { lintCommand } from '../../../src/commands/lint.js';
import { planCommand } from '../../../src/commands/plan.js';
import { validateCommand } from '../../../src/commands/validate.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-hostile-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const CONFIG = 'path: /iam-gitops/\ngroups:\n  devs:\n    policies: [ops]\nemail:\n  from: iam@example.com\n';
const policy = (statement: Record<string, unknown>): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...statement }] }, null, 2);

/** Invalid files whose diagnostics quote the hostile text. */
const invalid = () =>
  repo({
    'iam-gitops.yml': CONFIG,
    'users/team.csv':
      'username,email,groups,"x\n::add-mask::secret",##[add-mask]hdr\n' +
      '"bob\n::error::user",b@example.com,devs,1,2\n',
    'users/\n::warning file=x::name.csv': 'username,email\nbad name,c@example.com\n',
    'policies/ops.json': policy({
      Action: ['s3:GetObject\n::error::pwned', 's3:Get\u202eObject'],
      Resource: '*',
    }),
  });

/** Valid files: the condition key reaches lint findings and the plan, the value and resource the plan. */
const HOSTILE_KEY = 'aws:PrincipalTag/x\n::error::cond';
const HOSTILE_VALUE = 'v\n::add-mask::val\u0085 ##[add-mask]z';
const HOSTILE_RESOURCE = 'arn:aws:s3:::b\u202e/*';
const valid = () =>
  repo({
    'iam-gitops.yml': CONFIG,
    'users/team.csv': 'username,email,groups\nbob,b@example.com,devs\n',
    'policies/ops.json': policy({
      Action: ['s3:GetObject', 'iam:PassRole'],
      Resource: [HOSTILE_RESOURCE, '*'],
      Condition: { StringEquals: { [HOSTILE_KEY]: HOSTILE_VALUE } },
    }),
  });

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Every way the printed text could carry a workflow command or hide itself. */
function expectSafe(text: string): void {
  const lines = text.split(/\r\n?|\n/);
  expect(lines.filter((l) => /^\s*::/.test(l))).toEqual([]);
  expect(lines.filter((l) => l.includes('##['))).toEqual([]);
  expect(text).not.toMatch(CONTROL);
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t) };
  const args = parseArgs(argv);
  const never = () => {
    throw new Error('offline must not create AWS clients');
  };
  const code =
    args.command === 'validate'
      ? await validateCommand(args, io)
      : args.command === 'lint'
        ? await lintCommand(args, io, NOW)
        : await planCommand(args, { ...io, env: {}, clients: never });
  return { code, out, err };
}

test.each([['validate'], ['lint'], ['plan', '--offline']])(
  '%s: hostile header cells, user names, action strings and file names print no workflow command',
  async (...command) => {
    const dir = invalid();
    const r = await run([...command, '--dir', dir]);
    expect(r.code).toBe(1);
    expectSafe(r.out);
    expectSafe(r.err);
    // Each problem is still reported, with the hostile text shown defused.
    expect(r.err).toContain("unknown column 'x\n:\u200b:add-mask::secret'");
    expect(r.err).toContain("unknown column '#\u200b#[add-mask]hdr'");
    expect(r.err).toContain("username 'bob\n:\u200b:error::user'");
    expect(r.err).toContain("Action 's3:GetObject\n:\u200b:error::pwned' is not an action");
    expect(r.err).toContain("Action 's3:GetObject' is not an action"); // the bidi override is stripped
    expect(r.err).toContain('users/\n:\u200b:warning file=x::name.csv:2:1: error:');
  },
);

test('lint text and plan text/markdown with a hostile condition key print no workflow command', async () => {
  const dir = valid();
  const lint = await run(['lint', '--dir', dir]);
  expect(lint.code).toBe(1); // iam:PassRole on * is an error finding
  expect(lint.out).toContain('aws:PrincipalTag/x\n    :\u200b:error::cond');
  for (const r of [lint, await run(['plan', '--offline', '--dir', dir])]) {
    expectSafe(r.out);
    expectSafe(r.err);
  }
  const md = await run(['plan', '--offline', '--format', 'markdown', '--dir', dir]);
  expect(md.code).toBe(2);
  expectSafe(md.out);
});

test('lint json and sarif, plan json: valid JSON carrying the hostile text exactly, no command line', async () => {
  const dir = valid();
  const json = await run(['lint', '--format', 'json', '--dir', dir]);
  const sarif = await run(['lint', '--format', 'sarif', '--dir', dir]);
  const plan = await run(['plan', '--offline', '--format', 'json', '--dir', dir]);
  for (const r of [json, sarif, plan]) expectSafe(r.out);

  const findings = JSON.parse(json.out).findings as Array<{ message: string }>;
  expect(findings.some((f) => f.message.includes(HOSTILE_KEY))).toBe(true);
  const results = JSON.parse(sarif.out).runs[0].results as Array<{ message: { text: string } }>;
  expect(results.some((r) => r.message.text.includes(HOSTILE_KEY))).toBe(true);

  expect(plan.code).toBe(2);
  const changes = JSON.parse(plan.out).changes as Array<{ type: string; details: { document?: string } }>;
  const doc = JSON.parse(changes.find((c) => c.type === 'policy' && c.details.document)!.details.document!);
  expect(doc.Statement[0].Condition.StringEquals[HOSTILE_KEY]).toBe(HOSTILE_VALUE);
  expect(doc.Statement[0].Resource).toContain(HOSTILE_RESOURCE);
});
