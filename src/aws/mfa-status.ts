/**
 * Which console users have no MFA device, from the IAM credential report (`password_enabled`,
 * `mfa_active`): one report for the whole account, no call per user. For the account report and
 * its "MFA for every console user" check; `mfa: required` denies such users everything but
 * enrolling, and this names who has not enrolled yet.
 */
import { ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import type { AwsClients } from './clients.js';

export interface MfaGap {
  user: string;
  /** The report's `password_last_used` (ISO time), or null when never used or not reported. */
  passwordLastUsed: string | null;
}

/**
 * Console users (password enabled) whose `mfa_active` is not `true`, sorted by name. The root
 * row is left out (the report's root checks are separate). `only`, when given, limits the answer
 * to those users (e.g. the managed ones).
 */
export function consoleUsersWithoutMfa(csv: string, only?: ReadonlySet<string>): MfaGap[] {
  if (!csv.trim()) return [];
  const rows = parse(csv, { columns: true, skip_empty_lines: true, bom: true }) as Array<
    Record<string, string | undefined>
  >;
  const out: MfaGap[] = [];
  for (const row of rows) {
    const user = row.user;
    if (!user || user === '<root_account>') continue;
    if (only && !only.has(user)) continue;
    if (row.password_enabled !== 'true' || row.mfa_active === 'true') continue;
    const last = row.password_last_used;
    out.push({ user, passwordLastUsed: last && /^\d{4}-/.test(last) ? last : null });
  }
  return out.sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

/**
 * The report may be up to four hours old: of `users` the report lists without MFA, those that
 * still have no device now (one ListMFADevices each, a few at a time). Use it for the few the
 * report names, never for the whole account.
 */
export async function confirmWithoutMfa(
  clients: Pick<AwsClients, 'iam'>,
  users: string[],
  concurrency = 4,
): Promise<string[]> {
  const without = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < users.length) {
      const user = users[next++]!;
      const r = await clients.iam.send(new ListMFADevicesCommand({ UserName: user }));
      if ((r.MFADevices ?? []).length === 0) without.add(user);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
  return users.filter((u) => without.has(u));
}
