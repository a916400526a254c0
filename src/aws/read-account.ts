/**
 * The live account as ActualState, read in bulk: IAM authorization details (paginated), the
 * credential report, the caller identity, the mail sender's SES status and the monitoring
 * baseline. The number of calls grows with pages, not with users.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ActualState } from '../model/actual.js';
import type { Config } from '../model/desired.js';
import { readMonitoring } from '../monitoring/index.js';
import type { AwsClients } from './clients.js';
import { errorMessage } from './clients.js';
import { readIam } from './read-iam.js';
import { confirmLoginProfiles, readCredentialReport, type LoginReadOptions } from './read-logins.js';
import { readSenderVerified } from './read-ses.js';

export type ReadOptions = LoginReadOptions;

export async function readActualState(
  clients: AwsClients,
  config: Config,
  opts: ReadOptions = {},
): Promise<ActualState> {
  const step = <T>(what: string, p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw new Error(`Could not read ${what}: ${errorMessage(err)}`, { cause: err });
    });
  const [identity, iam, report, sesSenderVerified] = await Promise.all([
    step('the caller identity (sts:GetCallerIdentity)', clients.sts.send(new GetCallerIdentityCommand({}))),
    step('IAM users, groups and policies (iam:GetAccountAuthorizationDetails)', readIam(clients)),
    step('the IAM credential report', readCredentialReport(clients, opts)),
    config.email.from
      ? step(
          `the SES status of ${config.email.from} in ${config.email.region}`,
          readSenderVerified(clients, config.email.from, config.email.region),
        )
      : Promise.resolve(null),
  ]);
  const accountId = identity.Account;
  if (!accountId) throw new Error('sts:GetCallerIdentity returned no account id');

  // Users created after the report (AWS reuses one for up to four hours) are asked directly.
  const missing = iam.users.filter((u) => !report.passwordEnabled.has(u.name)).map((u) => u.name);
  const confirmed = await step('login profiles', confirmLoginProfiles(clients, missing));
  for (const u of iam.users) {
    u.hasLoginProfile = report.passwordEnabled.get(u.name) ?? confirmed.get(u.name) ?? false;
  }

  const monitoring = await step(
    'the monitoring baseline',
    readMonitoring(clients, config.monitoring, accountId),
  );
  return {
    accountId,
    region: clients.region,
    users: iam.users,
    groups: iam.groups,
    policies: iam.policies,
    sesSenderVerified,
    monitoring,
  };
}

/**
 * Re-checks the users whose planned console change came from the credential report, which may be
 * up to four hours old: a few GetLoginProfile calls, only for planned changes. Returns whether
 * anything differed (then the caller plans again).
 */
export async function refreshLoginProfiles(
  clients: AwsClients,
  actual: ActualState,
  users: string[],
): Promise<boolean> {
  if (users.length === 0) return false;
  const fresh = await confirmLoginProfiles(clients, users);
  let changed = false;
  for (const u of actual.users) {
    const now = fresh.get(u.name);
    if (now !== undefined && now !== u.hasLoginProfile) {
      u.hasLoginProfile = now;
      changed = true;
    }
  }
  return changed;
}
