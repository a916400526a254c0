/**
 * `npm run bench:lint`: lints every AWS managed policy and a generated 1,000-policy repository
 * with iam-gitops, parliament (defaults, and with community auditors) and cloudsplaining, each
 * a whole process on one core (taskset -c 0; BENCH_ONE_CORE=0 lifts it), runs them on the
 * labelled cases, and writes docs/bench-lint.md. Our lint is bundled with ncc from
 * bench/lint/driver.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGenerated, writeLabelled, writeManaged } from './lint/generate.mjs';
import { renderReport } from './lint/report.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const tmp = path.join(root, '.tmp/bench-lint');
const dataDir = path.join(root, 'dist/data');
const venv = path.join(root, '.bench-venv');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** parliament twice: its defaults, and with the community auditors (where its privesc check lives). */
const TOOLS = ['parliament', 'parliament-community', 'cloudsplaining'];
const log = (m) => process.stderr.write(`bench: ${m}\n`);

/**
 * One whole process under GNU time: wall, user + system CPU and peak RSS as the kernel counts
 * them (start-up, imports and data load included). With ONE_CORE (default), pinned to CPU 0 by
 * `taskset -c 0`, so a tool cannot spread over more cores than the target allows.
 */
const ONE_CORE = process.env.BENCH_ONE_CORE !== '0';
function timed(cmd, args, env = {}) {
  const argv = ['-f', '%e %U %S %M', ...(ONE_CORE ? ['taskset', '-c', '0'] : []), cmd, ...args];
  const r = spawnSync('/usr/bin/time', argv, {
    cwd: root,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [wall, user, sys, rssKb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return {
    ms: wall * 1000,
    cpuMs: (user + sys) * 1000,
    rssKb,
    out: JSON.parse(r.stdout.trim().split('\n').pop()),
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function ours(mode, dir) {
  const runs = Array.from({ length: RUNS }, () =>
    timed('node', [path.join(tmp, 'driver/index.js'), mode, dir], { IAM_GITOPS_DATA_DIR: dataDir }),
  );
  return {
    ...runs[0].out,
    wallMs: median(runs.map((r) => r.ms)),
    bestWallMs: Math.min(...runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    maxRssKb: Math.max(...runs.map((r) => r.rssKb)),
    lintMs: median(runs.map((r) => r.out.ms ?? r.ms)),
    load: os.loadavg()[0].toFixed(2),
  };
}

function theirs(tool, dir) {
  const py = path.join(venv, 'bin/python');
  const runs = Array.from({ length: Number(process.env.BENCH_OTHER_RUNS ?? 1) }, () =>
    timed(py, [path.join(root, 'bench/lint/tools.py'), tool, dir]),
  );
  return {
    ...runs[0].out,
    wallMs: median(runs.map((r) => r.ms)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    maxRssKb: Math.max(...runs.map((r) => r.rssKb)),
  };
}

function ensureVenv() {
  if (existsSync(path.join(venv, 'bin/cloudsplaining')) && existsSync(path.join(venv, 'bin/parliament')))
    return;
  log('creating .bench-venv with parliament and cloudsplaining from PyPI');
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  execFileSync(path.join(venv, 'bin/pip'), ['install', '-q', 'parliament', 'cloudsplaining'], {
    stdio: 'inherit',
  });
}

function versions() {
  const pip = execFileSync(path.join(venv, 'bin/pip'), ['list', '--format=json'], { encoding: 'utf8' });
  const list = JSON.parse(pip);
  const v = (n) => list.find((p) => p.name.toLowerCase() === n)?.version ?? '?';
  return {
    parliament: v('parliament'),
    cloudsplaining: v('cloudsplaining'),
    policySentry: v('policy_sentry'),
  };
}

log('bundling the lint with ncc');
const nccArgs = ['build', 'bench/lint/driver.ts', '-o', path.join(tmp, 'driver'), '-q', '--target', 'es2022'];
const built = spawnSync(path.join(root, 'node_modules/.bin/ncc'), nccArgs, { cwd: root, encoding: 'utf8' });
if (built.status !== 0)
  throw new Error(`ncc could not bundle bench/lint/driver.ts:\n${built.stderr}${built.stdout}`);
const managedDir = path.join(tmp, 'corpus/managed');
const generatedDir = path.join(tmp, 'corpus/generated');
const labelledDir = path.join(tmp, 'corpus/labelled');
const fixtures = path.join(root, 'test/fixtures/lint/labelled');
writeManaged(dataDir, managedDir);
writeGenerated(dataDir, generatedDir);
const cases = writeLabelled(dataDir, fixtures, labelledDir, readdirSync);
ensureVenv();

log('iam-gitops: managed, generated, labelled');
const result = {
  date: new Date().toISOString(),
  runs: RUNS,
  oneCore: ONE_CORE,
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? '?',
    load: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    uptime: execFileSync('uptime', { encoding: 'utf8' }).trim(),
    node: process.version,
  },
  versions: versions(),
  ours: {
    managed: ours('managed', managedDir),
    generated: ours('generated', generatedDir),
    labelled: ours('labelled', fixtures),
  },
};
log('parliament (defaults, community auditors) and cloudsplaining: managed, generated, labelled');
for (const tool of TOOLS) {
  result[tool] = {
    managed: theirs(tool, managedDir),
    generated: theirs(tool, generatedDir),
    labelled: theirs(tool, labelledDir),
  };
}
result.machine.uptimeAfter = execFileSync('uptime', { encoding: 'utf8' }).trim();
result.cases = cases.map((c) => ({ id: c.id, description: c.description, escalates: c.escalates }));
writeFileSync(path.join(tmp, 'result.json'), JSON.stringify(result, null, 2));
writeFileSync(path.join(root, 'docs/bench-lint.md'), renderReport(result));
log('wrote docs/bench-lint.md');
