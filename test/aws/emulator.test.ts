import { CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand, SendEmailCommand } from '@aws-sdk/client-ses';
import { useMoto } from '../harness/use-moto.js';

const moto = useMoto();

test('a real round trip: IAM user created through the SDK is read back, and the call is counted', async () => {
  const c = moto.clients();
  await c.iam.send(new CreateUserCommand({ UserName: 'round-trip', Path: '/iam-gitops/' }));
  const got = await c.iam.send(new GetUserCommand({ UserName: 'round-trip' }));
  expect(got.User?.Path).toBe('/iam-gitops/');
  expect(c.calls.snapshot()).toEqual({ 'iam:CreateUser': 1, 'iam:GetUser': 1 });
});

test('reset gives a clean account', async () => {
  const c = moto.clients();
  await c.iam.send(new CreateUserCommand({ UserName: 'gone' }));
  await moto.reset();
  await expect(c.iam.send(new GetUserCommand({ UserName: 'gone' }))).rejects.toThrow(
    /cannot be found|NoSuchEntity/,
  );
});

test('mail sent through SES can be read back from the emulator', async () => {
  const c = moto.clients();
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  await c.ses.send(
    new SendEmailCommand({
      Source: 'iam@example.com',
      Destination: { ToAddresses: ['a@example.com'] },
      Message: { Subject: { Data: 'hello' }, Body: { Text: { Data: 'body text' } } },
    }),
  );
  const mail = await moto.sentMail();
  expect(mail).toHaveLength(1);
  expect(mail[0]!.subject).toBe('hello');
  expect(mail[0]!.destinations.ToAddresses).toEqual(['a@example.com']);
});
