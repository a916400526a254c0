/** AWS clients for a role assumed through GitHub OIDC (audience sts.amazonaws.com). */
import type { AwsClients } from '../aws/clients.js';
import type { Settings } from '../inputs.js';

export async function oidcClients(
  s: Settings,
  role: string,
  _region: string,
  _sesRegion?: string,
): Promise<AwsClients> {
  if (!s.oidcAvailable)
    throw new Error(
      `Could not assume ${role}: the runner offers no OIDC token. Did you grant \`permissions: id-token: write\` to the job?`,
    );
  throw new Error('OIDC role assumption is not wired yet (waiting for src/aws/oidc.ts)');
}
