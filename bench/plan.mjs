// `npm run bench:plan [-- --sizes 100,1000,10000] [--naive-max 10000]`: seeds the emulator with
// managed users, times the bulk read + plan and a naive per-user reader, and prints a Markdown
// table (the numbers in docs/bench-plan.md come from it). Each measurement runs in its own
// process, so its peak RSS is its own.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator } from '../scripts/emulator.mjs';

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

const emu = await startEmulator();
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: emu.url,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};
// Asynchronous on purpose: the emulator logs every request to a pipe this process must keep draining.
const run = promisify(execFile);
const call = async (cmd, n) => {
  const { stdout } = await run(process.execPath, [driver, cmd, String(n)], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop());
};

const rows = [];
try {
  for (const n of sizes) {
    await fetch(`${emu.url}/moto-api/reset`, { method: 'POST' });
    process.stderr.write(`seeding ${n} users…\n`);
    const s = await call('seed', n);
    process.stderr.write(`  seeded in ${(s.seedMs / 1000).toFixed(1)} s (${s.seedCalls} calls); planning…\n`);
    const p = await call('plan', n);
    process.stderr.write(`  read+plan ${p.totalMs} ms, ${p.calls} calls, peak RSS ${p.peakRssMiB} MiB\n`);
    let q = null;
    if (n <= naiveMax) {
      process.stderr.write('  naive per-user reader…\n');
      q = await call('naive', n);
      process.stderr.write(`  naive ${q.naiveMs} ms, ${q.naiveCalls} calls\n`);
    }
    rows.push({ n, ...s, ...p, ...(q ?? {}) });
  }
} finally {
  await emu.stop();
}

writeFileSync(path.join(out, 'results.json'), JSON.stringify(rows, null, 2));
const lines = [
  '| users | read+plan (ms) | read (ms) | diff+hash+render (ms) | AWS calls | naive calls | call ratio | naive (ms) | peak RSS (MiB) | comment |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];
for (const r of rows) {
  const ratio = r.naiveCalls ? `${Math.round(r.naiveCalls / r.calls)}×` : '—';
  lines.push(
    `| ${r.n.toLocaleString('en')} | ${r.totalMs} | ${r.readMs} | ${r.diffMs + r.hashMs + r.renderMs} | ${r.calls} | ${r.naiveCalls ?? '—'} | ${ratio} | ${r.naiveMs ?? '—'} | ${r.peakRssMiB} | ${r.commentChars} chars (${r.commentTier}) |`,
  );
}
process.stdout.write(lines.join('\n') + '\n');
process.stdout.write(`\nraw results: ${path.join(out, 'results.json')}\n`);
