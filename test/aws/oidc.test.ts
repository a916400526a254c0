import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { assumeRoleWithOidc, OIDC_AUDIENCE } from '../../src/aws/oidc.js';
import { awsError, capture } from '../harness/capture.js';
import { ACCOUNT_ID, REGION } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';

const moto = useMoto({ reset: false });

const ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/iam-gitops-apply`;
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjplbnZpcm9ubWVudDpwcm9kIn0.c2ln';
const fast = { sleep: async () => {} };

function stsWithCapture() {
  const cap = capture();
  const sts = new STSClient({ region: REGION, endpoint: moto.url, maxAttempts: 1 });
  cap.plugin(sts, 'sts');
  return { cap, sts };
}

test('exchanges the GitHub token for credentials that work, masks every secret, and sends the right STS fields', async () => {
  const { cap, sts } = stsWithCapture();
  const masked: string[] = [];
  const audiences: string[] = [];
  const creds = await assumeRoleWithOidc({
    roleArn: ROLE,
    region: REGION,
    sessionName: 'run-12345',
    durationSeconds: 900,
    getIdToken: async (aud) => {
      audiences.push(aud);
      return TOKEN;
    },
    maskSecret: (s) => masked.push(s),
    sts,
    retry: fast,
  });
  expect(audiences).toEqual([OIDC_AUDIENCE]);
  expect(masked).toEqual([TOKEN, creds.accessKeyId, creds.secretAccessKey, creds.sessionToken]);
  expect(creds.accessKeyId.length).toBeGreaterThan(0);
  expect(creds.expiration).toBeInstanceOf(Date);
  // The emulator validates nothing about the exchange: the request is what we can check.
  expect(cap.inputs('sts:AssumeRoleWithWebIdentity')).toEqual([
    { RoleArn: ROLE, RoleSessionName: 'run-12345', WebIdentityToken: '***', DurationSeconds: 900 },
  ]);
  expect(JSON.stringify(cap.calls)).not.toContain(TOKEN);

  const assumed = new STSClient({ region: REGION, endpoint: moto.url, credentials: creds });
  const who = await assumed.send(new GetCallerIdentityCommand({}));
  expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT_ID}:assumed-role/iam-gitops-apply/run-12345`);
});

test('a missing ID token says to grant id-token: write, and STS is never called', async () => {
  const { cap, sts } = stsWithCapture();
  await expect(
    assumeRoleWithOidc({
      roleArn: ROLE,
      region: REGION,
      getIdToken: async () => {
        throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
      },
      maskSecret: () => {},
      sts,
      retry: { ...fast, maxAttempts: 2 },
    }),
  ).rejects.toThrow(
    `Could not assume role ${ROLE} with OIDC: no GitHub ID token (Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable) — did the job grant \`id-token: write\`?`,
  );
  expect(cap.calls).toEqual([]);
});

test('throttling is retried with backoff; AccessDenied is not, and is rethrown with context', async () => {
  const sts = new STSClient({ region: REGION });
  const mock = mockClient(sts);
  mock
    .on(AssumeRoleWithWebIdentityCommand)
    .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
    .rejectsOnce(awsError('IDPCommunicationError', 'GitHub did not answer'))
    .resolves({
      Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'sk', SessionToken: 'st', Expiration: new Date() },
    });
  const delays: number[] = [];
  const opts = {
    roleArn: ROLE,
    region: REGION,
    getIdToken: async () => TOKEN,
    maskSecret: () => {},
    sts,
    retry: { sleep: async (ms: number) => void delays.push(ms), random: () => 1 - 1e-9, baseDelayMs: 50 },
  };
  const creds = await assumeRoleWithOidc(opts);
  expect(creds.sessionToken).toBe('st');
  expect(mock.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(3);
  expect(delays).toEqual([99, 199]);

  mock.reset();
  mock
    .on(AssumeRoleWithWebIdentityCommand)
    .rejects(awsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403));
  await expect(assumeRoleWithOidc(opts)).rejects.toThrow(
    /^Could not assume role arn:aws:iam::123456789012:role\/iam-gitops-apply with OIDC: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity — check the role trust policy .* did the job grant `id-token: write`\?$/,
  );
  expect(mock.commandCalls(AssumeRoleWithWebIdentityCommand)).toHaveLength(1);
});

test('a malformed role ARN or session name is refused before any call', async () => {
  let asked = 0;
  const getIdToken = async () => {
    asked++;
    return TOKEN;
  };
  const base = { region: REGION, getIdToken, maskSecret: () => {} };
  await expect(assumeRoleWithOidc({ ...base, roleArn: 'iam-gitops-apply' })).rejects.toThrow(
    /is not an IAM role ARN/,
  );
  await expect(assumeRoleWithOidc({ ...base, roleArn: ROLE, sessionName: 'has space' })).rejects.toThrow(
    /session name 'has space' is invalid/,
  );
  expect(asked).toBe(0);
});
