// `npm run demo:identity-center`: IAM Identity Center from the same files, end to end against the
// AWS emulator with the built CLI (dist/cli.js), on examples/identity-center (copied to a temporary
// directory, so the repository stays as it is):
//   validate → plan (Identity Center users, groups, permission sets, assignments; one IAM user for
//   break-glass) → apply of exactly that plan → plan again (no changes) → a policy edit → the plan
//   re-provisions exactly that permission set → apply → the welcome mail (no password).
// The emulator (moto) has Identity Center's identity store and admin APIs; a local proxy
// (scripts/ic-gap-proxy.mjs) answers what it lacks. Nothing here talks to real AWS.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from './emulator.mjs';
import { startIcGapProxy } from './ic-gap-proxy.mjs';
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

const cli = path.resolve('dist/cli.js');
if (!existsSync(cli)) {
  console.error('error: dist/cli.js is missing: run `npm run package` first.');
  process.exit(1);
}
const example = path.resolve(process.argv[2] ?? 'examples/identity-center');
const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-ic-demo-'));
cpSync(example, dir, { recursive: true });

const step = (title) => console.log(`\n\x1b[1m━━ ${title}\x1b[0m`);

step('starting the AWS emulator (moto) and the Identity Center gap proxy');
const emu = await startEmulator();
const proxy = await startIcGapProxy(emu.url);
console.log(`emulator at ${emu.url}, proxy at ${proxy.url}`);
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: proxy.url,
  AWS_ACCESS_KEY_ID: 'demo',
  AWS_SECRET_ACCESS_KEY: 'demo',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  GITHUB_REPOSITORY: process.env.GITHUB_REPOSITORY ?? 'example/iam',
};

// Asynchronous on purpose (see scripts/demo.mjs): the emulator's log pipe must keep draining.
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
  if (!expected.includes(status))
    throw new Error(`iam-gitops ${args[0]} exited with ${status}, expected ${expected.join(' or ')}`);
  return out;
}

const hashOf = (plan) => {
  const hash = /^Plan hash: ([0-9a-f]{64})$/m.exec(plan)?.[1];
  if (!hash) throw new Error('the plan printed no "Plan hash:" line');
  return hash;
};

let failed = false;
try {
  const { SESClient, VerifyEmailIdentityCommand } = await import('@aws-sdk/client-ses');
  const ses = new SESClient({
    region: 'us-east-1',
    endpoint: emu.url,
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
  });
  await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  console.log('verified SES sender iam@example.com in the emulator');

  step('1. validate the files');
  await run(['validate'], [0]);
  step('2. plan: five people in Identity Center, one break-glass IAM user');
  const first = await run(['plan'], [2]);
  step('3. apply exactly the plan of step 2');
  await run(['apply', '--plan-hash', hashOf(first)], [0]);
  step('4. plan again: nothing left to do');
  await run(['plan'], [0]);

  step(
    '5. edit policies/dev-s3.json (drop s3:PutObject) and plan: only iam-gitops-developers is re-provisioned',
  );
  const file = path.join(dir, 'policies/dev-s3.json');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace('["s3:GetObject", "s3:PutObject"]', '["s3:GetObject"]'),
  );
  proxy.clear();
  const second = await run(['plan'], [2]);
  step('6. apply it');
  await run(['apply', '--plan-hash', hashOf(second)], [0]);
  const provisioned = proxy.find('ProvisionPermissionSet').map((r) => r.params);
  console.log(
    `ProvisionPermissionSet calls: ${provisioned.length} (${provisioned.map((p) => `${p.PermissionSetArn.split('/').pop()} → ${p.TargetId}`).join(', ')})`,
  );

  step('7. a welcome mail to an Identity Center person (no password: Identity Center sends its invitation)');
  const data = await (await fetch(`${emu.url}/moto-api/data.json`)).json();
  const mails = data.ses?.Message ?? [];
  console.log(`${mails.length} welcome mail(s) sent`);
  const mail = mails.find((m) => /Identity Center/.test(String(m.body)));
  if (mail) {
    const text = String(mail.body)
      .replace(/<(br|\/p|\/li|\/h\d|\/tr)[^>]*>/gi, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/\n{3,}/g, '\n\n');
    console.log(
      `To: ${mail.destinations.ToAddresses.join(', ')}\nSubject: ${mail.subject}\n\n${text.trim()}`,
    );
  }
} catch (err) {
  failed = true;
  console.error(`\ndemo failed: ${err.message}`);
} finally {
  await proxy.stop();
  await emu.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
