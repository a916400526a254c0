/** Whether the welcome mail's sender (`email.from`) is a verified SES identity in `email.region`. */
import { GetIdentityVerificationAttributesCommand, SESClient } from '@aws-sdk/client-ses';
import type { AwsClients } from '../../aws/clients.js';

/** The address or its domain verified → true; SES sends from either. */
export async function readSenderVerified(
  clients: Pick<AwsClients, 'ses' | 'calls'>,
  from: string,
  region: string,
): Promise<boolean> {
  const domain = from.includes('@') ? from.slice(from.lastIndexOf('@') + 1) : null;
  const identities = domain ? [from, domain] : [from];
  const input = { Identities: identities };
  const res = await sesIn(clients, region).then((send) => send(input));
  return identities.some((id) => res.VerificationAttributes?.[id]?.VerificationStatus === 'Success');
}

type Send = (
  input: ConstructorParameters<typeof GetIdentityVerificationAttributesCommand>[0],
) => Promise<{ VerificationAttributes?: Record<string, { VerificationStatus?: string }> }>;

/** The factory's SES client when its region matches, else one for `region` sharing its credentials and log. */
async function sesIn(clients: Pick<AwsClients, 'ses' | 'calls'>, region: string): Promise<Send> {
  const own = await clients.ses.config.region();
  if (own === region) return (input) => clients.ses.send(new GetIdentityVerificationAttributesCommand(input));
  const config = clients.ses.config;
  const other = new SESClient({
    region,
    credentials: config.credentials,
    // The same endpoint as the factory's client (the emulator in tests), never a guessed one.
    endpoint: config.isCustomEndpoint ? config.endpoint : undefined,
    maxAttempts: await config.maxAttempts(),
  });
  return async (input) => {
    clients.calls.record('ses', 'GetIdentityVerificationAttributes', input);
    try {
      return await other.send(new GetIdentityVerificationAttributesCommand(input));
    } finally {
      other.destroy();
    }
  };
}
