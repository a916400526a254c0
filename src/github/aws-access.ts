/** AWS clients for a role assumed through GitHub OIDC (audience sts.amazonaws.com). */
import * as core from '@actions/core';
import { createClients, type AwsClients } from '../aws/clients.js';
import { CallLog } from '../aws/calls.js';
import { assumeRoleWithOidc } from '../aws/oidc.js';
import type { Settings } from '../inputs.js';
import { neutralize } from '../safe-text.js';

export async function oidcClients(
  s: Settings,
  role: string,
  region: string,
  sesRegion?: string,
): Promise<AwsClients> {
  if (!s.oidcAvailable)
    throw new Error(
      `Could not assume ${role}: the runner offers no OIDC token. Grant \`permissions: id-token: write\` to the job.`,
    );
  // One call log for the exchange and the work after it, so stats and the e2e log see both.
  const calls = new CallLog();
  const bootstrap = createClients({ region, calls });
  try {
    const creds = await assumeRoleWithOidc({
      roleArn: role,
      region,
      sessionName: s.sessionName ?? `iam-gitops-${s.runId || 'local'}`,
      getIdToken: (audience) => core.getIDToken(audience),
      maskSecret: (v) => core.setSecret(v),
      sts: bootstrap.sts,
      log: (m) => core.info(neutralize(m)),
    });
    core.info(`Assumed ${role} through GitHub OIDC.`);
    return createClients({
      region,
      sesRegion,
      calls,
      credentials: {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
        expiration: creds.expiration,
      },
    });
  } finally {
    bootstrap.sts.destroy();
  }
}
