/**
 * What `report` reads, in bulk: authorization details (paginated), the credential report, the
 * account summary and password policy. Per-user calls happen only for users the credential report
 * does not list yet (AWS reuses a report for up to four hours): their login profile, access keys
 * with last use, and MFA devices. So the cost is a constant plus pages, plus a few calls per user
 * created since the report.
 */
import {
  GetAccessKeyLastUsedCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  ListAccessKeysCommand,
  ListMFADevicesCommand,
  type PasswordPolicy,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from './clients.js';
import { errorCode, errorMessage } from './clients.js';
import { parseCredentialRows, type CredentialRow } from './credential-report.js';
import { readIam, type IamSnapshot } from '../targets/iam/read.js';
import {
  confirmLoginProfiles,
  readCredentialReport,
  type LoginReadOptions,
} from '../targets/iam/read-logins.js';

export interface ReportAccount {
  accountId: string;
  iam: IamSnapshot;
  /** One row per user, the root row included; users the report lacked were asked directly. */
  credentials: CredentialRow[];
  reportGeneratedAt: Date | null;
  /** Users missing from the credential report, whose row was built from direct calls. */
  askedDirectly: string[];
  summary: Record<string, number>;
  /** null: the account has no password policy (IAM's defaults apply). */
  passwordPolicy: PasswordPolicy | null;
}

export async function readReportAccount(
  clients: AwsClients,
  opts: LoginReadOptions = {},
): Promise<ReportAccount> {
  const step = <T>(what: string, p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      throw new Error(`Could not read ${what}: ${errorMessage(err)}`, { cause: err });
    });
  const [identity, iam, report, summary, passwordPolicy] = await Promise.all([
    step('the caller identity (sts:GetCallerIdentity)', clients.sts.send(new GetCallerIdentityCommand({}))),
    step('IAM users, groups and policies (iam:GetAccountAuthorizationDetails)', readIam(clients)),
    step('the IAM credential report', readCredentialReport(clients, opts)),
    step(
      'the account summary (iam:GetAccountSummary)',
      clients.iam.send(new GetAccountSummaryCommand({})).then((r) => r.SummaryMap ?? {}),
    ),
    step(
      'the password policy (iam:GetAccountPasswordPolicy)',
      clients.iam.send(new GetAccountPasswordPolicyCommand({})).then(
        (r) => r.PasswordPolicy ?? null,
        (err: unknown) => {
          if (errorCode(err) === 'NoSuchEntity' || errorCode(err) === 'NoSuchEntityException') return null;
          throw err;
        },
      ),
    ),
  ]);
  const credentials = parseCredentialRows(report.csv);
  const listed = new Set(credentials.map((r) => r.user));
  const missing = iam.users.filter((u) => !listed.has(u.name)).map((u) => u.name);
  const direct = await step(
    'credentials of users newer than the credential report',
    askDirectly(clients, missing),
  );
  credentials.push(...direct);
  const byUser = new Map(credentials.map((r) => [r.user, r]));
  for (const u of iam.users) u.hasLoginProfile = byUser.get(u.name)?.passwordEnabled ?? false;
  return {
    accountId: identity.Account ?? '',
    iam,
    credentials,
    reportGeneratedAt: report.generatedAt,
    askedDirectly: missing,
    summary: summary as Record<string, number>,
    passwordPolicy,
  };
}

/** The credential-report row of users the report does not list yet, from their own calls. */
async function askDirectly(clients: Pick<AwsClients, 'iam'>, users: string[]): Promise<CredentialRow[]> {
  if (users.length === 0) return [];
  const logins = await confirmLoginProfiles(clients, users);
  const rows: CredentialRow[] = [];
  for (const user of users) {
    const keys =
      (await clients.iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];
    const mfa = (await clients.iam.send(new ListMFADevicesCommand({ UserName: user }))).MFADevices ?? [];
    const row: CredentialRow = {
      user,
      arn: '',
      created: null,
      passwordEnabled: logins.get(user) ?? false,
      passwordLastUsed: null,
      passwordLastChanged: null,
      mfaActive: mfa.length > 0,
      keys: [],
      certsActive: 0,
    };
    for (const [i, k] of keys.slice(0, 2).entries()) {
      const used = k.AccessKeyId
        ? (await clients.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId })))
            .AccessKeyLastUsed
        : undefined;
      row.keys.push({
        slot: i + 1,
        active: k.Status === 'Active',
        lastRotated: k.CreateDate ? new Date(k.CreateDate) : null,
        lastUsed: used?.LastUsedDate ? new Date(used.LastUsedDate) : null,
        lastUsedService: used?.ServiceName && used.ServiceName !== 'N/A' ? used.ServiceName : null,
      });
    }
    rows.push(row);
  }
  return rows;
}
