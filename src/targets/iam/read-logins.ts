/**
 * Which users have a console password, from the IAM credential report: one report for the whole
 * account instead of GetLoginProfile per user.
 */
import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import type { AwsClients } from '../../aws/clients.js';
import { errorCode } from '../../aws/clients.js';
import { realSleep } from '../../aws/retry.js';

export interface LoginReadOptions {
  /** Injectable so tests do not wait while the report is generated. */
  sleep?: (ms: number) => Promise<void>;
  /** Give up after this long (default 120 s: AWS usually needs a few seconds). */
  timeoutMs?: number;
}

export interface CredentialReport {
  /** User name → console password enabled. The root account row is left out. */
  passwordEnabled: Map<string, boolean>;
  generatedAt: Date | null;
  /** The report as IAM returned it (CSV), for readers that need its other columns. */
  csv: string;
  /**
   * True when this read made AWS generate the report (the first GenerateCredentialReport did not
   * answer COMPLETE): it is seconds old. False when AWS handed back an existing one, which may be
   * up to four hours old.
   */
  fresh: boolean;
}

export async function readCredentialReport(
  clients: Pick<AwsClients, 'iam'>,
  opts: LoginReadOptions = {},
): Promise<CredentialReport> {
  const sleep = opts.sleep ?? realSleep;
  const deadline = opts.timeoutMs ?? 120_000;
  let waited = 0;
  let delay = 250;
  let fresh: boolean | undefined;
  for (;;) {
    const res = await clients.iam.send(new GenerateCredentialReportCommand({}));
    fresh ??= res.State !== 'COMPLETE';
    if (res.State === 'COMPLETE') break;
    if (waited >= deadline) {
      throw new Error(
        `the IAM credential report was not ready after ${Math.round(waited / 1000)} s (state ${res.State})`,
      );
    }
    await sleep(delay);
    waited += delay;
    delay = Math.min(delay * 2, 4000);
  }
  const report = await clients.iam.send(new GetCredentialReportCommand({}));
  const text = report.Content ? new TextDecoder().decode(report.Content) : '';
  return {
    passwordEnabled: parseCredentialReport(text),
    generatedAt: report.GeneratedTime ? new Date(report.GeneratedTime) : null,
    csv: text,
    fresh: fresh ?? false,
  };
}

/** The `password_enabled` column by user (`true`/`false`; the root row says `not_supported`). */
export function parseCredentialReport(csv: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  if (!csv.trim()) return out;
  const rows = parse(csv, { columns: true, skip_empty_lines: true, bom: true }) as Array<
    Record<string, string>
  >;
  for (const row of rows) {
    const user = row.user;
    if (!user || user === '<root_account>') continue;
    out.set(user, row.password_enabled === 'true');
  }
  return out;
}

/**
 * Asks GetLoginProfile for a few users: those created after the report (AWS reuses a report for
 * up to four hours) and those whose report entry would lead to a login-profile change.
 */
export async function confirmLoginProfiles(
  clients: Pick<AwsClients, 'iam'>,
  users: string[],
  concurrency = 4,
): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < users.length) {
      const user = users[next++]!;
      try {
        await clients.iam.send(new GetLoginProfileCommand({ UserName: user }));
        out.set(user, true);
      } catch (err) {
        if (errorCode(err) !== 'NoSuchEntity') throw err;
        out.set(user, false);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
  return out;
}
