/**
 * The AWS emulator for tests: moto in server mode on a free loopback port, one server per test
 * file (state is global in a moto process, so files never share one), reset between tests.
 */
import { freePort, startEmulator } from '../../scripts/emulator.mjs';
import { createClients, type AwsClients, type ClientPlugin } from '../../src/aws/clients.js';
import { CallLog } from '../../src/aws/calls.js';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

export { freePort };

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
  const emu = await startEmulator({ env: extraEnv });
  const { url, port } = emu;
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
    stop: () => emu.stop(),
  };
  return moto;
}
