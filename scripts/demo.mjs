// `npm run demo`: the main job end to end against the AWS emulator, with the built CLI
// (dist/cli.js) on this repository's example files:
//   validate → lint → plan (changes) → apply of exactly that plan (--plan-hash: users, groups,
//   policies, mail, monitoring) → plan again (no changes) → the welcome mail that was sent.
// Nothing here talks to real AWS: every call goes to a local moto server that is stopped at the end.
// It runs under the pinned Node 24 (scripts/setup-node24.mjs, installed on first use), the runtime
// the action runs on: started with another Node, it starts itself again under that one.
import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';
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

ensureDemoNode(import.meta.url);

const dir = process.argv[2] ?? '.';
const cli = 'dist/cli.js';
requireCli(cli);

step('starting the AWS emulator (moto)');
const emu = await startEmulator();
console.log(`emulator at ${emu.url}`);
const run = cliRunner({ cli, dir, env: demoEnv(emu.url) });

let failed = false;
try {
  const config = existsSync(`${dir}/iam-gitops.yml`)
    ? parse(readFileSync(`${dir}/iam-gitops.yml`, 'utf8'))
    : {};
  const from = config?.email?.from;
  if (from) await verifySender(emu.url, from, config.email.region ?? 'us-east-1');

  step('1. validate the files');
  await run(['validate'], [0]);
  step('2. least-privilege lint');
  await run(['lint'], [0]);
  step('3. plan against the (empty) account');
  const plan = await run(['plan'], [2]);
  // apply never applies by accident: it takes the hash of the plan that was reviewed (or asks at a
  // terminal, or --yes). Here the plan above is the reviewed one.
  step('4. apply exactly the plan of step 3');
  await run(['apply', '--plan-hash', hashOf(plan)], [0]);
  step('5. plan again: nothing left to do');
  await run(['plan'], [0]);

  step('6. the welcome mail that was sent (temporary passwords masked)');
  const mails = await sentMail(emu.url);
  console.log(`${mails.length} welcome mail(s) sent`);
  const first = mails[0];
  if (first) {
    const text = mailText(first.body).replace(/(temporary password[^:\n]*:\s*)\S+/gi, '$1********');
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
