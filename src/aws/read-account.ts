/**
 * The live account as ActualState, read in bulk: IAM authorization details (paginated), the
 * credential report, the caller identity, the mail sender's SES status and the monitoring
 * baseline. The number of calls grows with pages, not with users.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ActualState } from '../model/actual.js';
import { CONSOLE_TAG_KEY, MANAGED_TAG, WELCOME_PENDING_TAG, type Config } from '../model/desired.js';
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

  // Users created after the report (AWS reuses one for up to four hours): the console state the
  // apply recorded on its own users, else one GetLoginProfile each (users made by hand, or whose
  // welcome mail is still pending, so the record may not hold yet).
  const missing = iam.users.filter((u) => !report.passwordEnabled.has(u.name));
  const ask = missing.filter((u) => recordedConsole(u.tags) === undefined).map((u) => u.name);
  const confirmed = await step('login profiles', confirmLoginProfiles(clients, ask));
  for (const u of iam.users) {
    u.hasLoginProfile =
      report.passwordEnabled.get(u.name) ?? confirmed.get(u.name) ?? recordedConsole(u.tags) ?? false;
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
 * The console state apply recorded on a user it manages (CONSOLE_TAG_KEY), trusted only once the
 * welcome mail is out: the pending tag goes last, after every step of the user ran, so the record
 * then matches what apply did. Undefined when there is no record to trust.
 */
export function recordedConsole(tags: Record<string, string>): boolean | undefined {
  if (tags[MANAGED_TAG.key] !== MANAGED_TAG.value) return undefined;
  if (tags[WELCOME_PENDING_TAG.key] === WELCOME_PENDING_TAG.value) return undefined;
  const v = tags[CONSOLE_TAG_KEY];
  return v === 'true' ? true : v === 'false' ? false : undefined;
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
