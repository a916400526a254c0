// `npm run demo`: the main job end to end against the AWS emulator, with the built CLI
// (dist/cli.js) on this repository's example files:
//   validate → lint → plan (changes) → apply of exactly that plan (--plan-hash: users, groups,
//   policies, mail, monitoring) → plan again (no changes) → the welcome mail that was sent.
// Nothing here talks to real AWS: every call goes to a local moto server that is stopped at the end.
// It runs under the pinned Node 24 (scripts/setup-node24.mjs, installed on first use), the runtime
// the action runs on: started with another Node, it starts itself again under that one.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startEmulator } from './emulator.mjs';
import { ensureNode24, NODE24_VERSION } from './setup-node24.mjs';

if (process.version !== `v${NODE24_VERSION}`) {
  let node24;
  try {
    node24 = ensureNode24();
  } catch (err) {
    console.error(`error: ${err.message}`);
    process.exit(1);
  }
  const r = spawnSync(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

const dir = process.argv[2] ?? '.';
const cli = 'dist/cli.js';
if (!existsSync(cli)) {
  console.error('error: dist/cli.js is missing: run `npm run package` first.');
  process.exit(1);
}

const step = (title) => console.log(`\n\x1b[1m━━ ${title}\x1b[0m`);

step('starting the AWS emulator (moto)');
const emu = await startEmulator();
console.log(`emulator at ${emu.url}`);
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: emu.url,
  AWS_ACCESS_KEY_ID: 'demo',
  AWS_SECRET_ACCESS_KEY: 'demo',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  GITHUB_REPOSITORY: process.env.GITHUB_REPOSITORY ?? 'example/iam',
};

// Asynchronous on purpose: the emulator's request log is a pipe this process drains, and a blocked
// event loop (spawnSync) lets it fill until moto stops answering mid-apply.
async function run(args, expected) {
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
}

let failed = false;
try {
  const config = existsSync(`${dir}/iam-gitops.yml`)
    ? parse(readFileSync(`${dir}/iam-gitops.yml`, 'utf8'))
    : {};
  const from = config?.email?.from;
  if (from) {
    // In a real account the sender is verified once by hand (docs/deploy.md); here we do it for the demo.
    const { SESClient, VerifyEmailIdentityCommand } = await import('@aws-sdk/client-ses');
    const ses = new SESClient({
      region: config.email.region ?? 'us-east-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    });
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: from }));
    console.log(`verified SES sender ${from} in the emulator`);
  }

  step('1. validate the files');
  await run(['validate'], [0]);
  step('2. least-privilege lint');
  await run(['lint'], [0]);
  step('3. plan against the (empty) account');
  const plan = await run(['plan'], [2]);
  // apply never applies by accident: it takes the hash of the plan that was reviewed (or asks at a
  // terminal, or --yes). Here the plan above is the reviewed one.
  const hash = /^Plan hash: ([0-9a-f]{64})$/m.exec(plan)?.[1];
  if (!hash) throw new Error('the plan printed no "Plan hash:" line');
  step('4. apply exactly the plan of step 3');
  await run(['apply', '--plan-hash', hash], [0]);
  step('5. plan again: nothing left to do');
  await run(['plan'], [0]);

  step('6. the welcome mail that was sent (temporary passwords masked)');
  const data = await (await fetch(`${emu.url}/moto-api/data.json`)).json();
  const mails = data.ses?.Message ?? [];
  console.log(`${mails.length} welcome mail(s) sent`);
  const first = mails[0];
  if (first) {
    const text = String(first.body)
      .replace(/<(br|\/p|\/li|\/h\d|\/tr)[^>]*>/gi, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/(temporary password[^:\n]*:\s*)\S+/gi, '$1********')
      .replace(/\n{3,}/g, '\n\n');
    console.log(
      `To: ${first.destinations.ToAddresses.join(', ')}\nFrom: ${first.source}\nSubject: ${first.subject}\n\n${text.trim()}`,
    );
  }
} catch (err) {
  failed = true;
  console.error(`\ndemo failed: ${err.message}`);
} finally {
  await emu.stop();
}
process.exit(failed ? 1 : 0);
