/**
 * `report`'s AWS cost does not grow with users: 10 users and 1,000 users cost the same calls (the
 * emulator serves each bulk read in one page), none of them per user.
 */
import { CreateLoginProfileCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CallLog } from '../../src/aws/calls.js';
import { parseArgs } from '../../src/commands/args.js';
import { reportCommand } from '../../src/commands/report.js';
import type { Report } from '../../src/report/model.js';
import { startMoto, type Moto } from '../harness/moto.js';

let moto: Moto;
let dir: string;
beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-report-calls-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await moto?.stop();
});

async function addUsers(from: number, to: number): Promise<void> {
  const iam = moto.clients().iam;
  let next = from;
  const worker = async () => {
    while (next < to) {
      const name = `user-${String(next++).padStart(4, '0')}`;
      await iam.send(new CreateUserCommand({ UserName: name }));
      if (name.endsWith('0')) {
        await iam.send(new CreateLoginProfileCommand({ UserName: name, Password: 'Passw0rd-Passw0rd!' }));
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function report(): Promise<{ counts: Record<string, number>; users: number }> {
  const calls = new CallLog(undefined);
  const clients = moto.clients({ calls });
  const out: string[] = [];
  const code = await reportCommand(parseArgs(['report', '--dir', dir, '--format', 'json']), {
    out: (t) => void out.push(t),
    err: () => {},
    env: { AWS_REGION: 'us-east-1' },
    clients: () => clients,
  });
  expect([0, 2]).toContain(code);
  return { counts: calls.snapshot(), users: (JSON.parse(out.join('')) as Report).users.length };
}

test('10 users and 1,000 users cost the same AWS calls, and none is per user', async () => {
  await addUsers(0, 10);
  const small = await report();
  expect(small.users).toBe(10);
  await addUsers(10, 1000);
  const large = await report();
  expect(large.users).toBe(1000);
  // Generate is polled until the report is ready: twice for the first report, once when one exists.
  const { 'iam:GenerateCredentialReport': g1, ...smallRest } = small.counts;
  const { 'iam:GenerateCredentialReport': g2, ...largeRest } = large.counts;
  expect(largeRest).toEqual(smallRest);
  expect(g1! + g2!).toBeLessThanOrEqual(3);
  expect(Object.keys(large.counts).sort()).toEqual([
    'iam:GenerateCredentialReport',
    'iam:GetAccountAuthorizationDetails',
    'iam:GetAccountPasswordPolicy',
    'iam:GetAccountSummary',
    'iam:GetCredentialReport',
    'sts:GetCallerIdentity',
  ]);
  const total = Object.values(large.counts).reduce((a, b) => a + b, 0);
  expect(total).toBeLessThanOrEqual(8);
});
