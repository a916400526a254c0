// What the demos (scripts/demo.mjs, scripts/demo-identity-center.mjs) share: the restart under the
// pinned Node 24, the environment that points the built CLI at the emulator, the CLI runner, the
// plan hash, the SES sender and the welcome mail as text.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureNode24, NODE24_VERSION } from './setup-node24.mjs';

/**
 * Runs the demo at `scriptUrl` again under the pinned Node 24 (scripts/setup-node24.mjs, installed
 * on first use), the runtime the action runs on, and exits with its status; returns when this
 * process already is that Node.
 */
export function ensureDemoNode(scriptUrl) {
  if (process.version === `v${NODE24_VERSION}`) return;
  let node24;
  try {
    node24 = ensureNode24();
  } catch (err) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
  const r = spawnSync(node24, [fileURLToPath(scriptUrl), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

/** Exits with the fix when the CLI has not been built. */
export function requireCli(cli) {
  if (existsSync(cli)) return;
  console.error('error: dist/cli.js is missing: run `npm run package` first.');
  process.exit(1);
}

export const step = (title) => console.log(`\n\x1b[1m━━ ${title}\x1b[0m`);

/** The environment of the CLI: every AWS call goes to `endpoint` (the emulator or a proxy before it). */
export function demoEnv(endpoint) {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    GITHUB_REPOSITORY: process.env.GITHUB_REPOSITORY ?? 'example/iam',
  };
}

/**
 * `run(args, expected)`: the CLI on `dir`, its output echoed and returned; throws when the exit
 * status is not one of `expected`. Asynchronous on purpose: the emulator's request log is a pipe
 * this process drains, and a blocked event loop (spawnSync) lets it fill until moto stops
 * answering mid-apply.
 */
export function cliRunner({ cli, dir, env }) {
  return async function run(args, expected) {
    console.log(`$ iam-gitops ${args.join(' ')}`);
    const child = spawn(process.execPath, [cli, ...args, '--dir', dir], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      process.stdout.write(c);
    });
    const status = await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (!expected.includes(status)) {
      throw new Error(`iam-gitops ${args[0]} exited with ${status}, expected ${expected.join(' or ')}`);
    }
    return out;
  };
}

/** The hash of a printed plan, which apply takes to apply exactly that plan. */
export function hashOf(plan) {
  const hash = /^Plan hash: ([0-9a-f]{64})$/m.exec(plan)?.[1];
  if (!hash) throw new Error('the plan printed no "Plan hash:" line');
  return hash;
}

/** In a real account the sender is verified once by hand (docs/deploy.md); the demos do it here. */
export async function verifySender(endpoint, address, region = 'us-east-1') {
  const { SESClient, VerifyEmailIdentityCommand } = await import('@aws-sdk/client-ses');
  const ses = new SESClient({
    region,
    endpoint,
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  });
  await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: address }));
  console.log(`verified SES sender ${address} in the emulator`);
}

/** The mail the emulator says SES sent. */
export async function sentMail(emulatorUrl) {
  const data = await (await fetch(`${emulatorUrl}/moto-api/data.json`)).json();
  return data.ses?.Message ?? [];
}

/** A mail's HTML body as plain text for the terminal. */
export function mailText(body) {
  return String(body)
    .replace(/<(br|\/p|\/li|\/h\d|\/tr)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/\n{3,}/g, '\n\n');
}
