// `npm run demo:identity-center`: IAM Identity Center from the same files, end to end against the
// AWS emulator with the built CLI (dist/cli.js), on examples/identity-center (copied to a temporary
// directory, so the repository stays as it is):
//   validate → plan (Identity Center users, groups, permission sets, assignments; one IAM user for
//   break-glass) → apply of exactly that plan → plan again (no changes) → a policy edit → the plan
//   re-provisions exactly that permission set → apply → the welcome mail (no password).
// The emulator (moto) has Identity Center's identity store and admin APIs; a local proxy
// (scripts/ic-gap-proxy.mjs) answers what it lacks. Nothing here talks to real AWS.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  cliRunner,
  demoEnv,
  ensureDemoNode,
  hashOf,
  mailText,
  requireCli,
  sentMail,
  step,
  verifySender,
} from './demo-run.mjs';
import { startEmulator } from './emulator.mjs';
import { startIcGapProxy } from './ic-gap-proxy.mjs';

ensureDemoNode(import.meta.url);

const cli = path.resolve('dist/cli.js');
requireCli(cli);
const example = path.resolve(process.argv[2] ?? 'examples/identity-center');
const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-ic-demo-'));
cpSync(example, dir, { recursive: true });

step('starting the AWS emulator (moto) and the Identity Center gap proxy');
const emu = await startEmulator();
const proxy = await startIcGapProxy(emu.url);
console.log(`emulator at ${emu.url}, proxy at ${proxy.url}`);
const run = cliRunner({ cli, dir, env: demoEnv(proxy.url) });

let failed = false;
try {
  await verifySender(emu.url, 'iam@example.com');

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
  const mails = await sentMail(emu.url);
  console.log(`${mails.length} welcome mail(s) sent`);
  const mail = mails.find((m) => /Identity Center/.test(String(m.body)));
  if (mail) {
    const text = mailText(mail.body);
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
