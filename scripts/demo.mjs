// `npm run demo`: the main job end to end against the AWS emulator, with the built CLI
// (dist/cli.js) on this repository's example files:
//   validate → lint → plan (changes) → apply of exactly that plan (--plan-hash: users, groups,
//   policies, mail, monitoring) → plan again (no changes) → the welcome mail that was sent.
// Nothing here talks to real AWS: every call goes to a local moto server that is stopped at the end.
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { startEmulator } from './emulator.mjs';

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
  AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
  GITHUB_REPOSITORY: process.env.GITHUB_REPOSITORY ?? 'example/iam',
};

function run(args, expected) {
  console.log(`$ iam-gitops ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args, '--dir', dir], { env, encoding: 'utf8' });
  process.stdout.write(r.stdout);
  process.stderr.write(
    r.stderr.replace(
      /^.*(node >=22|a\.co\/|upgrade to node|maintenance|To continue receiving|versions published after|More information can be found).*\n?/gm,
      '',
    ),
  );
  if (!expected.includes(r.status)) {
    throw new Error(`iam-gitops ${args[0]} exited with ${r.status}, expected ${expected.join(' or ')}`);
  }
  return r.stdout;
}

let failed = false;
try {
  const config = existsSync(`${dir}/iam-gitops.yml`)
    ? parse(readFileSync(`${dir}/iam-gitops.yml`, 'utf8'))
    : {};
  const from = config?.email?.from;
  if (from) {
    // In a real account the sender is verified once by hand (docs/deploy.md); here we do it for the demo.
    const ses = new SESClient({
      region: config.email.region ?? 'us-east-1',
      endpoint: emu.url,
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    });
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: from }));
    console.log(`verified SES sender ${from} in the emulator`);
  }

  step('1. validate the files');
  run(['validate'], [0]);
  step('2. least-privilege lint');
  run(['lint'], [0]);
  step('3. plan against the (empty) account');
  const plan = run(['plan'], [2]);
  // apply never applies by accident: it takes the hash of the plan that was reviewed (or asks at a
  // terminal, or --yes). Here the plan above is the reviewed one.
  const hash = /^Plan hash: ([0-9a-f]{64})$/m.exec(plan)?.[1];
  if (!hash) throw new Error('the plan printed no "Plan hash:" line');
  step('4. apply exactly the plan of step 3');
  run(['apply', '--plan-hash', hash], [0]);
  step('5. plan again: nothing left to do');
  run(['plan'], [0]);

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
