// Starts moto in server mode on a free loopback port and waits until it answers. Shared by the
// test harness (test/harness/moto.ts) and the demo (scripts/demo.mjs).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

import { ensureEmulator } from './setup-emulator.mjs';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * @param {{ env?: Record<string, string>, bin?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void> }>}
 */
export async function startEmulator(opts = {}) {
  const bin = opts.bin ?? process.env.IAM_GITOPS_MOTO_SERVER ?? ensureEmulator({ quiet: true });
  const port = await freePort();
  let stderr = '';
  let exited = null;
  const proc = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', ...(opts.env ?? {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  proc.on('exit', (code) => {
    exited = code ?? -1;
  });
  const url = `http://127.0.0.1:${port}`;
  // A hang guard for a server that neither answers nor exits, not a speed limit: moto loads every
  // AWS managed policy at start, which takes many times longer on a busy machine than on an idle one.
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  for (;;) {
    if (exited !== null)
      throw new Error(`moto_server (${bin}) exited with ${exited} before answering:\n${stderr}`);
    try {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${url} in time:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    port,
    async stop() {
      if (exited !== null) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      let timer;
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, 3000)))]);
      clearTimeout(timer);
      if (exited === null) proc.kill('SIGKILL');
    },
  };
}
