// `npm run bench:plan [-- --sizes 100,1000,10000] [--naive-max 10000]`: seeds the emulator with
// managed users, then measures, each as a whole process under /usr/bin/time (wall, CPU, peak RSS,
// process start and file loading included): the built CLI's `plan` (`dist/cli.js plan --format
// json` on files for those users), the in-process breakdown of read, diff, hash and comment, and a
// naive per-user reader. Prints a Markdown table (docs/bench-plan.md). Run `npm run package` first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../scripts/emulator.mjs';
import { machine, measured, writeRepo } from './measure.mjs';

const argv = process.argv.slice(2);
const opt = (flag, fallback) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : fallback;
};
const sizes = opt('--sizes', '100,1000,10000').split(',').map(Number);
const naiveMax = Number(opt('--naive-max', '10000'));

const out = path.join('.tmp', 'bench-plan');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(
  path.join('node_modules', '.bin', 'ncc'),
  ['build', 'bench/plan/driver.ts', '-o', out, '--quiet', '--target', 'es2022'],
  {
    stdio: 'inherit',
  },
);
const driver = path.join(out, 'index.js');
if (!existsSync(driver)) throw new Error(`ncc did not produce ${driver}`);
const cli = path.resolve('dist', 'cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run package` first');

const emu = await startEmulator();
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: emu.url,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  GITHUB_REPOSITORY: 'bench/iam',
};
// Asynchronous on purpose: the emulator logs every request to a pipe this process must keep draining.
const call = async (cmd, n) => {
  const r = await measured([driver, cmd, String(n)], env);
  if (r.code !== 0) throw new Error(`driver ${cmd} ${n} failed:\n${r.stderr}`);
  return {
    ...JSON.parse(r.stdout.trim().split('\n').pop()),
    wallS: r.wallS,
    cpuS: r.cpuS,
    processRssMiB: r.peakRssMiB,
  };
};
const host = machine();

const rows = [];
try {
  for (const n of sizes) {
    await fetch(`${emu.url}/moto-api/reset`, { method: 'POST' });
    process.stderr.write(`seeding ${n} users…\n`);
    const s = await call('seed', n);
    process.stderr.write(`  seeded in ${(s.seedMs / 1000).toFixed(1)} s (${s.seedCalls} calls); planning…\n`);
    // The files the seeded account should match: 1% toggle their console login, 10 are new.
    const repo = path.join(out, `repo-${n}`);
    writeRepo(repo, n + 10, (i) => (i % 100 === 1 ? i % 2 !== 0 : i % 2 === 0));
    const w = await measured([cli, 'plan', '--dir', repo, '--format', 'json'], env);
    if (w.code !== 2) throw new Error(`plan of ${n} users exited ${w.code}:\n${w.stderr}`);
    const planned = JSON.parse(w.stdout);
    const cliCalls = Object.values(planned.stats.awsCalls).reduce((a, b) => a + b, 0);
    process.stderr.write(
      `  CLI plan: ${w.wallS} s wall, ${w.cpuS} s CPU, ${w.peakRssMiB} MiB, ${cliCalls} calls, ${planned.changes.length} operations\n`,
    );
    const p = await call('plan', n);
    process.stderr.write(`  read+plan ${p.totalMs} ms, ${p.calls} calls, peak RSS ${p.peakRssMiB} MiB\n`);
    let q = null;
    if (n <= naiveMax) {
      process.stderr.write('  naive per-user reader…\n');
      q = await call('naive', n);
      process.stderr.write(`  naive ${q.naiveMs} ms (${q.wallS} s whole process), ${q.naiveCalls} calls\n`);
    }
    rows.push({
      n,
      ...s,
      ...p,
      cli: {
        wallS: w.wallS,
        cpuS: w.cpuS,
        peakRssMiB: w.peakRssMiB,
        calls: cliCalls,
        awsCalls: planned.stats.awsCalls,
        operations: planned.changes.length,
      },
      ...(q
        ? {
            naiveWallS: q.wallS,
            naiveCpuS: q.cpuS,
            naiveRssMiB: q.processRssMiB,
            naiveCalls: q.naiveCalls,
            naiveMs: q.naiveMs,
          }
        : {}),
    });
  }
} finally {
  await emu.stop();
}

writeFileSync(path.join(out, 'results.json'), JSON.stringify({ host, rows }, null, 2));
const lines = [
  `${host.date} · ${host.cpu} · Node ${host.node} · load average at the start ${host.load}, at the end ${machine().load}`,
  '',
  '| users | `plan` wall (s) | CPU (s) | peak RSS (MiB) | AWS calls | calls per user | read / diff+hash+render in process (ms) | naive reader: wall (s), CPU (s), calls | call ratio |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |',
];
for (const r of rows) {
  const ratio = r.naiveCalls ? `${Math.round(r.naiveCalls / r.cli.calls)}×` : '—';
  const naive = r.naiveCalls ? `${r.naiveWallS}, ${r.naiveCpuS}, ${r.naiveCalls}` : '—';
  lines.push(
    `| ${r.n.toLocaleString('en')} | ${r.cli.wallS} | ${r.cli.cpuS} | ${r.cli.peakRssMiB} | ${r.cli.calls} | ${(r.cli.calls / r.n).toFixed(4)} | ${r.readMs} / ${r.diffMs + r.hashMs + r.renderMs} | ${naive} | ${ratio} |`,
  );
}
for (const r of rows)
  lines.push(
    '',
    `${r.n}: ${JSON.stringify(r.cli.awsCalls)}; ${r.cli.operations} operations; seeded in ${(r.seedMs / 1000).toFixed(1)} s`,
  );
process.stdout.write(lines.join('\n') + '\n');
process.stdout.write(`\nraw results: ${path.join(out, 'results.json')}\n`);
