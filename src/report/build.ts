/**
 * `report`'s core: the live account (ActualState-like bulk read), the credential report, the
 * account summary and the files → one Report value. Pure: no AWS, `now` is given; the scheduled
 * workflow and the command line render the same value.
 */
import { ROOT_ROW } from '../aws/credential-report.js';
import type { ReportAccount } from '../aws/read-report.js';
import type { DesiredState } from '../model/desired.js';
import type { IdentityCenterSnapshot } from '../model/identity-center.js';
import { buildIdentityCenterReport } from './identity-center.js';
import type { PolicyDocument } from '../model/policy.js';
import { cisChecks } from './cis.js';
import type { Report, ReportError, ReportUser } from './model.js';
import { verdictOf, type GrantSource } from './verdict.js';

const DAY = 86_400_000;
const MANAGED = { key: 'managed-by', value: 'iam-gitops' };

export interface ReportInput {
  account: ReportAccount;
  /** The repository's files, or null when they were not read (every user counts as unmanaged). */
  desired: DesiredState | null;
  now: Date;
  /** IAM Identity Center as read (with `identityCenter.enabled`); absent → no Identity Center part. */
  identityCenter?: IdentityCenterSnapshot | null;
}

const nameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function buildReport({ account, desired, now, identityCenter }: ReportInput): Report {
  const { iam } = account;
  const inFiles = new Set((desired?.users ?? []).map((u) => u.name.toLowerCase()));
  const customDocs = new Map<string, PolicyDocument>(iam.policies.map((p) => [p.arn, p.document]));
  const inline = (type: 'user' | 'group', name: string) =>
    iam.inline.filter((i) => i.principalType === type && i.principal === name);
  const groups = new Map(iam.groups.map((g) => [g.name, g]));
  const creds = new Map(account.credentials.map((r) => [r.user, r]));

  const users: ReportUser[] = [...iam.users]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((u) => {
      const own: GrantSource = { attached: u.attachedPolicyArns, inline: inline('user', u.name) };
      const groupSources: GrantSource[] = u.groups.map((g) => ({
        attached: groups.get(g)?.attachedPolicyArns ?? [],
        inline: inline('group', g),
      }));
      const groupPolicies: Record<string, string[]> = {};
      u.groups.forEach((g, i) => {
        const s = groupSources[i]!;
        groupPolicies[g] = [...s.attached.map(nameOf), ...s.inline.map((x) => `inline:${x.name}`)];
      });
      const c = creds.get(u.name);
      return {
        name: u.name,
        path: u.path,
        inFiles: inFiles.has(u.name.toLowerCase()),
        tagged: u.tags[MANAGED.key] === MANAGED.value,
        groups: [...u.groups],
        policies: [...u.attachedPolicyArns.map(nameOf), ...own.inline.map((x) => `inline:${x.name}`)],
        groupPolicies,
        verdict: verdictOf(u, [own, ...groupSources], customDocs),
        console: c?.passwordEnabled ?? u.hasLoginProfile,
        mfa: c?.mfaActive ?? false,
        passwordLastUsed: iso(c?.passwordLastUsed ?? null),
        keys: (c?.keys ?? []).map((k) => ({
          slot: k.slot,
          active: k.active,
          // A key dated after `now` (clock skew) is new, not of negative age.
          ageDays: k.lastRotated
            ? Math.max(0, Math.floor((now.getTime() - k.lastRotated.getTime()) / DAY))
            : null,
          lastUsed: iso(k.lastUsed),
          lastUsedService: k.lastUsedService,
        })),
      };
    });

  const errors: ReportError[] = [];
  for (const u of users) {
    if (u.inFiles) continue;
    const what = u.verdict.admin
      ? 'has administrator access'
      : u.verdict.escalation.length > 0
        ? `can escalate its privileges (${u.verdict.escalation.join(', ')})`
        : null;
    if (!what) continue;
    errors.push({
      user: u.name,
      message: `${u.name} is not in the repository's files and ${what}`,
      fix: `review who uses ${u.name}; to manage it, add it with \`iam-gitops import --users ${u.name}\` and a pull request, or remove its policies`,
    });
  }

  const generated = account.reportGeneratedAt;
  return {
    accountId: account.accountId,
    generatedAt: now.toISOString(),
    credentialReport: {
      generatedAt: iso(generated),
      ageHours: generated ? Math.floor((now.getTime() - generated.getTime()) / 3_600_000) : null,
      askedDirectly: [...account.askedDirectly].sort(),
    },
    users,
    checks: cisChecks({
      now,
      credentials: account.credentials.filter(
        (r) => r.user === ROOT_ROW || iam.users.some((u) => u.name === r.user),
      ),
      summary: account.summary,
      passwordPolicy: account.passwordPolicy,
    }),
    errors,
    ...(identityCenter ? { identityCenter: buildIdentityCenterReport(identityCenter, desired) } : {}),
  };
}

/** Whether the report asks for action: an error, or a failed check. */
export function reportFails(r: Report): boolean {
  return (
    r.errors.length > 0 ||
    (r.identityCenter?.errors.length ?? 0) > 0 ||
    r.checks.some((c) => c.status === 'fail')
  );
}
