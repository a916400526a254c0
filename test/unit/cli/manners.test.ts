/**
 * The command line's manners: --help per command, --version, colours only on a terminal and only
 * around the tool's own words, progress on stderr only when asked for.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COMMAND_FLAGS, parseArgs } from '../../../src/commands/args.js';
import { colourWanted, paint, PALETTE } from '../../../src/commands/colour.js';
import { runCli } from '../../../src/commands/dispatch.js';
import { lintCommand } from '../../../src/commands/lint.js';
import { planCommand } from '../../../src/commands/plan.js';
import { validateCommand } from '../../../src/commands/validate.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-manners-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const CONFIG = 'path: /iam-gitops/\ngroups:\n  devs:\n    policies: [ops]\nemail:\n  from: iam@example.com\n';
const OPS = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*' }],
});
const ESC = '\u001b';
/** Every escape sequence in `text` that is not one of paint()'s own. */
const foreignEscapes = (text: string): string[] =>
  // eslint-disable-next-line no-control-regex
  [...text.matchAll(/\u001b\[[0-9;]*m|\u001b/g)].map((m) => m[0]).filter((s) => !PALETTE.includes(s));

test('--version prints the version of package.json and runs nothing', async () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  expect(await cli(['--version'])).toEqual({ code: 0, out: `iam-gitops ${version}\n`, err: '' });
  // With a command too, and with a --dir that does not exist: nothing is read.
  expect(await cli(['plan', '--version', '--dir', '/nonexistent'])).toEqual({
    code: 0,
    out: `iam-gitops ${version}\n`,
    err: '',
  });
});

test.each(['validate', 'lint', 'plan', 'apply', 'drift'])(
  '%s --help: every option of the flag table, the exit codes and an example, on stdout',
  async (command) => {
    const r = await cli([command, '--help', '--dir', '/nonexistent']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.startsWith(`usage: iam-gitops ${command} [options]\n`)).toBe(true);
    for (const flag of [...Object.keys(COMMAND_FLAGS[command]!), '--dir', '--version', '--debug'])
      expect(r.out).toContain(`  ${flag}`);
    expect(r.out).toMatch(/\nexit codes:\n {2}0 {2}\S/);
    expect(r.out.split(/\nexamples?:\n/)[1]).toMatch(new RegExp(`^ {2}iam-gitops ${command}\\b`, 'm'));
    // Only its own options: a flag of another command is not offered.
    if (command !== 'apply') expect(r.out).not.toContain('--plan-hash');
  },
);

test('-h and the general --help list every command and point at the per-command help', async () => {
  expect((await cli(['apply', '-h'])).out).toContain('  --approved-plan <plan.json>');
  const general = await cli(['--help']);
  expect(general.code).toBe(0);
  expect(general.out).toContain('iam-gitops <command> --help');
  for (const c of Object.keys(COMMAND_FLAGS)) expect(general.out).toContain(`  ${c} `);
});

test.each([
  [true, {}, true],
  [false, {}, false],
  [true, { NO_COLOR: '1' }, false],
  [true, { NO_COLOR: '' }, true], // no-color.org: only a non-empty value counts
  [true, { TERM: 'dumb' }, false],
  [false, { FORCE_COLOR: '1' }, true],
  [true, { FORCE_COLOR: '0' }, false],
  [true, { FORCE_COLOR: 'false' }, false],
  [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true], // as in Node: FORCE_COLOR wins
])('colour on a terminal=%s with %j: %s', (tty, env, want) => {
  expect(colourWanted(tty, env)).toBe(want);
});

test('on a colour terminal, severities are coloured and an escape sequence from a CSV cell never reaches it', async () => {
  const dir = repo({
    'iam-gitops.yml': CONFIG,
    'policies/ops.json': OPS,
    // A cell that would clear the screen and retitle the terminal if it were printed raw.
    'users/team.csv': `username,email,groups\nbad${ESC}[2J${ESC}]0;pwned\u0007name,b@example.com,devs\n`,
  });
  let out = '';
  let err = '';
  const code = await validateCommand(parseArgs(['validate', '--dir', dir]), {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    colour: { out: true, err: true },
  });
  expect(code).toBe(1);
  expect(err).toContain(`users/team.csv:2:1: ${ESC}[31merror${ESC}[0m: username 'bad[2J]0;pwnedname'`);
  expect(foreignEscapes(err)).toEqual([]);
  expect(foreignEscapes(out)).toEqual([]);
  expect(out).toBe('3 files checked: 1 error, 0 warnings\n');
});

test('colours never reach a pipe, JSON or SARIF, even with a terminal on the other stream', async () => {
  const dir = repo({
    'iam-gitops.yml': CONFIG,
    'policies/ops.json': OPS,
    'users/team.csv': 'username,email,groups\nbob,b@example.com,devs\n',
  });
  const capture = () => {
    const c = { out: '', err: '' };
    return {
      c,
      io: {
        out: (t: string) => void (c.out += t),
        err: (t: string) => void (c.err += t),
        colour: { out: true, err: true },
      },
    };
  };
  const never = () => {
    throw new Error('offline must not create AWS clients');
  };
  for (const format of ['json', 'markdown']) {
    const { c, io } = capture();
    expect(
      await planCommand(parseArgs(['plan', '--offline', '--format', format, '--dir', dir]), {
        ...io,
        env: {},
        clients: never,
      }),
    ).toBe(2);
    expect(c.out).not.toContain(ESC);
  }
  for (const format of ['json', 'sarif']) {
    const { c, io } = capture();
    await lintCommand(parseArgs(['lint', '--format', format, '--dir', dir]), io);
    expect(c.out).not.toContain(ESC);
    JSON.parse(c.out);
  }
  // Text on a colour terminal does get colours (the control for the lines above).
  const { c, io } = capture();
  await planCommand(parseArgs(['plan', '--offline', '--dir', dir]), { ...io, env: {}, clients: never });
  expect(c.out).toContain(`${ESC}[32m+${ESC}[0m user bob`);
  // Without colour flags (a pipe), nothing.
  let plain = '';
  await planCommand(parseArgs(['plan', '--offline', '--dir', dir]), {
    out: (t) => void (plain += t),
    err: () => undefined,
    env: {},
    clients: never,
  });
  expect(plain).toContain('  + user bob');
  expect(plain).not.toContain(ESC);
});

test('plan phases go to stderr as progress only when progress is on; stdout is the plan alone', async () => {
  const dir = repo({
    'iam-gitops.yml': CONFIG,
    'policies/ops.json': OPS,
    'users/team.csv': 'username,email,groups\nbob,b@example.com,devs\n',
  });
  const run = async (progress: boolean) => {
    let out = '';
    let err = '';
    const code = await planCommand(parseArgs(['plan', '--offline', '--dir', dir]), {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      env: {},
      progress,
    });
    return { code, out, err };
  };
  const on = await run(true);
  expect(on.code).toBe(2);
  // Offline: no account is read, so that phase is not claimed.
  expect(on.err).toBe('[plan] reading the files…\n[plan] linting…\n[plan] planning…\n');
  const off = await run(false);
  expect(off.err).toBe('');
  expect(off.out).toBe(on.out);
});

test('paint colours only the leading word or mark of a line, and leaves the rest as it was', () => {
  expect(paint('[3/12] create user alice\n[plan] linting…')).toBe(
    `${ESC}[2m[3/12]${ESC}[0m create user alice\n${ESC}[2m[plan]${ESC}[0m linting…`,
  );
  expect(paint('error: refused: x')).toBe(`${ESC}[31merror${ESC}[0m: refused: x`);
  expect(paint('  - user error')).toBe(`  ${ESC}[31m-${ESC}[0m user error`);
  expect(paint('0 error(s), 1 warning(s)')).toBe('0 error(s), 1 warning(s)');
});
