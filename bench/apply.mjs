// `npm run bench:apply [-- --sizes 100,1000] [--reread-max 1000]`: for each size, on a fresh
// emulator account with the groups in place, runs the built CLI (`dist/cli.js apply --yes`) on
// files with N new users (half with a console login), then applies again (nothing to do), each
// as a whole process under /usr/bin/time; and, next to it, the same apply with every step
// re-reading what it needs (the apply before it reused the plan's read). Prints a Markdown table;
// raw numbers go to .tmp/bench-apply/results.json. Run `npm run package` first.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import path from 'node:path';
import { startEmulator } from '../scripts/emulator.mjs';
import { machine, measured, writeRepo } from './measure.mjs';

const argv = process.argv.slice(2);
const opt = (flag, fallback) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : fallback;
};
const sizes = opt('--sizes', '100,1000').split(',').map(Number);
const rereadMax = Number(opt('--reread-max', '1000'));

const out = path.resolve('.tmp', 'bench-apply');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const cli = path.resolve('dist', 'cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run package` first');
execFileSync(
  path.join('node_modules', '.bin', 'ncc'),
  ['build', 'bench/plan/driver.ts', '-o', path.join(out, 'driver'), '--quiet', '--target', 'es2022'],
  { stdio: 'inherit' },
);
const driver = path.join(out, 'driver', 'index.js');
// runPlan loads the AWS data files from next to the bundle.
cpSync(path.resolve('dist', 'data'), path.join(out, 'driver', 'data'), { recursive: true });

const emu = await startEmulator();
// The emulator answers GetSendQuota with the SES sandbox (200 a day, 1 a second), which would
// make this a measure of waiting. This proxy answers with a large quota and forwards the rest.
const proxy = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (new URLSearchParams(body.toString('utf8')).get('Action') === 'GetSendQuota') {
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          '<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult>' +
            '<Max24HourSend>1000000</Max24HourSend><MaxSendRate>10000</MaxSendRate><SentLast24Hours>0</SentLast24Hours>' +
            '</GetSendQuotaResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></GetSendQuotaResponse>',
        );
      return;
    }
    const to = new URL(emu.url);
    const up = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on('error', (e) => res.writeHead(502).end(String(e)));
    up.end(body);
  });
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${proxy.address().port}`;
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  GITHUB_REPOSITORY: 'bench/iam',
};

/** Calls and writes from a call log file (one JSON line per call). */
function callLog(file) {
  const calls = existsSync(file)
    ? readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
  const isRead = (op) => /^(Get|List|Describe|Head|Test|Generate|Lookup|Simulate)/.test(op);
  return { total: calls.length, writes: calls.filter((c) => !isRead(c.operation)).length };
}

async function driverRun(args) {
  const r = await measured([driver, ...args], env);
  if (r.code !== 0) throw new Error(`driver ${args.join(' ')} failed:\n${r.stderr}`);
  return {
    ...JSON.parse(r.stdout.trim().split('\n').pop()),
    wallS: r.wallS,
    cpuS: r.cpuS,
    peakRssMiB: r.peakRssMiB,
  };
}

const rows = [];
const host = machine();
try {
  for (const n of sizes) {
    for (const mode of ['reuse', ...(n <= rereadMax ? ['reread'] : [])]) {
      await fetch(`${emu.url}/moto-api/reset`, { method: 'POST' });
      await driverRun(['seed', '0']); // the sender identity and the three groups
      const dir = path.join(out, `repo-${n}`);
      writeRepo(dir, n, (i) => i % 2 === 0, false);
      process.stderr.write(`apply ${n} users (${mode})…\n`);
      if (mode === 'reread') {
        const r = await driverRun(['apply-rereading', dir]);
        process.stderr.write(`  ${r.wallS} s wall, ${r.rereadCalls} calls (${r.rereadPerUser} per user)\n`);
        rows.push({ n, mode, ...r });
        continue;
      }
      const log1 = path.join(out, `calls-${n}-1.jsonl`);
      const first = await measured([cli, 'apply', '--dir', dir, '--yes'], {
        ...env,
        IAM_GITOPS_CALL_LOG: log1,
      });
      if (first.code !== 0)
        throw new Error(`apply of ${n} users failed:\n${first.stderr}\n${first.stdout.slice(-3000)}`);
      const m =
        /AWS calls: (\d+) \(([\d.]+) per created user\)\n\s+by operation type: (.*)\n\s+by AWS operation: (.*)\n/.exec(
          first.stdout,
        );
      const log2 = path.join(out, `calls-${n}-2.jsonl`);
      const second = await measured([cli, 'apply', '--dir', dir, '--yes'], {
        ...env,
        IAM_GITOPS_CALL_LOG: log2,
      });
      const again = callLog(log2);
      process.stderr.write(
        `  ${first.wallS} s wall, ${first.cpuS} s CPU, ${first.peakRssMiB} MiB; apply calls ${m?.[1]} (${m?.[2]} per user); ` +
          `again: ${second.wallS} s, ${again.total} calls, ${again.writes} writes\n`,
      );
      rows.push({
        n,
        mode,
        wallS: first.wallS,
        cpuS: first.cpuS,
        peakRssMiB: first.peakRssMiB,
        processCalls: callLog(log1).total,
        applyCalls: Number(m?.[1]),
        perUser: Number(m?.[2]),
        byType: m?.[3],
        byApi: m?.[4],
        againWallS: second.wallS,
        againCpuS: second.cpuS,
        againPeakRssMiB: second.peakRssMiB,
        againCalls: again.total,
        againWrites: again.writes,
        againSays: second.stdout.trim().split('\n').pop(),
      });
    }
  }
} finally {
  proxy.close();
  await emu.stop();
}

writeFileSync(path.join(out, 'results.json'), JSON.stringify({ host, rows }, null, 2));
const lines = [
  `${host.date} · ${host.cpu} · Node ${host.node} · load average at the end ${machine().load} (at the start ${host.load})`,
  '',
  '| users | apply wall (s) | CPU (s) | peak RSS (MiB) | apply calls | per new user | re-reading apply: calls, per user, wall (s) | second apply: wall (s), calls, writes |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
];
for (const n of sizes) {
  const a = rows.find((r) => r.n === n && r.mode === 'reuse');
  const b = rows.find((r) => r.n === n && r.mode === 'reread');
  const reread = b ? `${b.rereadCalls}, ${b.rereadPerUser}, ${b.wallS}` : '—';
  lines.push(
    `| ${n.toLocaleString('en')} | ${a.wallS} | ${a.cpuS} | ${a.peakRssMiB} | ${a.applyCalls} | ${a.perUser} | ${reread} | ${a.againWallS}, ${a.againCalls}, ${a.againWrites} |`,
  );
}
for (const a of rows.filter((r) => r.mode === 'reuse'))
  lines.push('', `${a.n}: by operation type: ${a.byType}; by AWS operation: ${a.byApi}`);
process.stdout.write(lines.join('\n') + '\n');
process.stdout.write(`\nraw results: ${path.join(out, 'results.json')}\n`);
