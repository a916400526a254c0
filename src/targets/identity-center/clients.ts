/**
 * The Identity Center clients for `identityCenter.region`: the run's own when the instance is in
 * the run's region, else a pair in that region with the same credentials and the same call log
 * (so the plan's and the apply's call counts still hold every call).
 */
import { createClients, type AwsClients } from '../../aws/clients.js';
import type { IdentityCenterConfig } from '../../model/desired.js';

export type IcClients = Pick<AwsClients, 'identitystore' | 'ssoadmin'>;

const regional = new WeakMap<AwsClients, Map<string, IcClients>>();

export function icClients(clients: AwsClients, config: IdentityCenterConfig): IcClients {
  const region = config.region;
  if (!region || region === clients.region) return clients;
  let byRegion = regional.get(clients);
  if (!byRegion) regional.set(clients, (byRegion = new Map()));
  let pair = byRegion.get(region);
  if (!pair) {
    const other = createClients({
      region,
      credentials: clients.ssoadmin.config.credentials,
      calls: clients.calls,
    });
    pair = { identitystore: other.identitystore, ssoadmin: other.ssoadmin };
    byRegion.set(region, pair);
  }
  return pair;
}

/** The apply's Identity Center clients. */
export function icOf(ctx: {
  clients: AwsClients;
  desired: { config: { identityCenter: IdentityCenterConfig } };
}): IcClients {
  return icClients(ctx.clients, ctx.desired.config.identityCenter);
}
