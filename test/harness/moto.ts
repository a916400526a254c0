/**
 * The AWS emulator for tests: moto in server mode on a free loopback port, one server per test
 * file (state is global in a moto process, so files never share one), reset between tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClients, type AwsClients, type ClientPlugin } from '../../src/aws/clients.js';
import { CallLog } from '../../src/aws/calls.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Moto {
  url: string;
  port: number;
  /** POST /moto-api/reset: a clean account. */
  reset(): Promise<void>;
  /** GET /moto-api/data.json: every model moto tracks (sent mail is `ses.Message`). */
  data(): Promise<Record<string, Record<string, unknown[]>>>;
  /** Mail "sent" through SES so far. */
  sentMail(): Promise<
    Array<{ source: string; subject: string; body: string; destinations: { ToAddresses: string[] } }>
  >;
  /** Environment for a child process (dist/index.js, dist/cli.js) to reach this emulator. */
  env(): Record<string, string>;
  /** SDK clients pointed at this emulator, with their own CallLog. */
  clients(opts?: { plugins?: ClientPlugin[]; calls?: CallLog; endpoint?: string }): AwsClients;
  stop(): Promise<void>;
}

export async function startMoto(extraEnv: Record<string, string> = {}): Promise<Moto> {
  const port = await freePort();
  const bin = process.env.IAM_GITOPS_MOTO_SERVER ?? path.join(root, '.moto-venv', 'bin', 'moto_server');
  let stderr = '';
  const proc: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited: number | null = null;
  proc.on('exit', (code) => {
    exited = code ?? -1;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== null)
      throw new Error(`moto_server (${bin}) exited with ${exited} before answering:\n${stderr}`);
    try {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${url} within 30 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const moto: Moto = {
    url,
    port,
    async reset() {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async data() {
      const res = await fetch(`${url}/moto-api/data.json`);
      return (await res.json()) as Record<string, Record<string, unknown[]>>;
    },
    async sentMail() {
      const d = await moto.data();
      return ((d.ses?.Message ?? []) as never[]).slice();
    },
    env() {
      return {
        AWS_ENDPOINT_URL: url,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SESSION_TOKEN: 'testing',
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_MAX_ATTEMPTS: '3',
        AWS_EC2_METADATA_DISABLED: 'true',
      };
    },
    clients(opts = {}) {
      return createClients({
        region: REGION,
        endpoint: opts.endpoint ?? url,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        maxAttempts: 3,
        calls: opts.calls ?? new CallLog(undefined),
        plugins: opts.plugins,
      });
    },
    async stop() {
      if (exited === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
        if (exited === null) proc.kill('SIGKILL');
      }
    },
  };
  return moto;
}
