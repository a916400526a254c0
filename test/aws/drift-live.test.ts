/**
 * `drift` lints what is live, against the emulator: a policy of the repository widened out of
 * band (a new default version) is reported with the actions it gained; an unmanaged user with
 * administrator access is an error.
 */
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import type { AwsClients } from '../../src/aws/clients.js';
import { parseArgs } from '../../src/commands/args.js';
import { driftCommand } from '../../src/commands/drift.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

const moto = useMoto();

const FILE = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }],
};

function repo(): string {
  return tempRepo('iam-gitops-drift-live-', {
    'iam-gitops.yml': 'path: /iam-gitops/\nemail:\n  from: iam@example.com\nmonitoring:\n  enabled: false\n',
    'users/team.csv': 'username,email,groups,policies,console,role\nann,ann@example.com,,reports,false,dev\n',
    'policies/reports.json': JSON.stringify(FILE, null, 2),
  });
}

/** The account as an earlier apply left it: ann with the reports policy attached. */
async function seed(c: AwsClients): Promise<string> {
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const pol = await c.iam.send(
    new CreatePolicyCommand({
      PolicyName: 'reports',
      Path: '/iam-gitops/',
      PolicyDocument: JSON.stringify(FILE),
      Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }],
    }),
  );
  await c.iam.send(
    new CreateUserCommand({
      UserName: 'ann',
      Path: '/iam-gitops/',
      Tags: [
        { Key: 'managed-by', Value: 'iam-gitops' },
        { Key: 'role', Value: 'dev' },
      ],
    }),
  );
  await c.iam.send(new AttachUserPolicyCommand({ UserName: 'ann', PolicyArn: pol.Policy!.Arn! }));
  return pol.Policy!.Arn!;
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const created: AwsClients[] = [];
  return {
    out,
    err,
    created,
    io: {
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      env: { GITHUB_REPOSITORY: 'acme/iam' },
      clients: () => {
        const c = moto.clients();
        created.push(c);
        return c;
      },
    },
  };
}

test('a policy widened out of band (CreatePolicyVersion --set-as-default) is named with its new actions', async () => {
  const dir = repo();
  const arn = await seed(moto.clients());

  const clean = io();
  const before = await driftCommand(parseArgs(['drift', '--dir', dir]), clean.io);
  expect(clean.out.join('')).not.toContain('live-policy-widened');

  await moto.clients().iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: arn,
      SetAsDefault: true,
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:DeleteObject'],
            Resource: 'arn:aws:s3:::reports/*',
          },
          { Effect: 'Allow', Action: 'iam:CreateAccessKey', Resource: '*' },
        ],
      }),
    }),
  );
  const r = io();
  expect(await driftCommand(parseArgs(['drift', '--dir', dir]), r.io)).toBe(2);
  const text = r.out.join('');
  expect(text).toMatch(/error: policies\/reports\.json:1: live-policy-widened \(policy reports\)/);
  expect(text).toContain('+ s3:DeleteObject on arn:aws:s3:::reports/*');
  expect(text).toContain('+ iam:CreateAccessKey on *');
  expect(text).not.toContain('+ s3:GetObject');
  // One client set for the plan and the live lint.
  expect(r.created).toHaveLength(1);
  expect(before).toBe(0);
});

test('an unmanaged user with AdministratorAccess is an error of the live lint; JSON stays one document', async () => {
  const dir = repo();
  await seed(moto.clients());
  const c = moto.clients();
  await c.iam.send(new CreateUserCommand({ UserName: 'legacy-admin' }));
  await c.iam.send(
    new AttachUserPolicyCommand({
      UserName: 'legacy-admin',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  const r = io();
  expect(await driftCommand(parseArgs(['drift', '--dir', dir, '--format', 'json']), r.io)).toBe(2);
  expect(() => JSON.parse(r.out.join(''))).not.toThrow();
  expect(r.err.join('')).toMatch(
    /error: arn:aws:iam::123456789012:user\/legacy-admin:0: unmanaged-user-admin/,
  );
});
