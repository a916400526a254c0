// Whole-process measurements for the benchmarks: a command run under /usr/bin/time, so wall time,
// CPU time (user + system) and peak RSS include process start, file loading and data loading.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Runs `node <args>` under /usr/bin/time. Resolves with stdout, stderr, the exit code and
 * { wallS, cpuS, peakRssMiB }; never rejects on a non-zero exit (plan exits 2 on changes).
 */
export function measured(args, env, input) {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-bench-'));
  const timeFile = path.join(dir, 'time');
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.stdin.end(input ?? '');
    child.on('close', (code) => {
      const [wall, user, sys, rssKiB] = readFileSync(timeFile, 'utf8')
        .trim()
        .split(/\s+/)
        .slice(-4)
        .map(Number);
      rmSync(dir, { recursive: true, force: true });
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallS: wall,
        cpuS: Math.round((user + sys) * 100) / 100,
        peakRssMiB: Math.round(rssKiB / 1024),
      });
    });
  });
}

export const GROUPS = ['developers', 'ops', 'readers'];
export const userName = (i) => `user-${String(i).padStart(5, '0')}`;

/** A repository of files for the CLI: n users, console per `consoleOf(i)`, ReadOnlyAccess attached when `direct`. */
export function writeRepo(dir, n, consoleOf, direct = true) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'users'), { recursive: true });
  const groups = GROUPS.map((g) => `  ${g}:\n    policies: [ReadOnlyAccess]`).join('\n');
  writeFileSync(
    path.join(dir, 'iam-gitops.yml'),
    `path: /iam-gitops/\nmaxDeletes: 0\ngroups:\n${groups}\nemail:\n  from: iam@example.com\nmonitoring:\n  enabled: false\n`,
  );
  const rows = ['username,email,groups,policies,console,role'];
  for (let i = 0; i < n; i++) {
    rows.push(
      `${userName(i)},${userName(i)}@example.com,${GROUPS[i % GROUPS.length]},${direct ? 'ReadOnlyAccess' : ''},${consoleOf(i)},engineer`,
    );
  }
  writeFileSync(path.join(dir, 'users', 'team.csv'), rows.join('\n') + '\n');
}

/** `uptime` and the machine, for the doc. */
export function machine() {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  return { load, cpu, node: process.version, date: new Date().toISOString() };
}
