/**
 * Every column of the IAM credential report, typed. AWS writes `N/A`, `no_information` and
 * `not_supported` where a value does not exist; those become null here, never a date.
 */
import { parse } from 'csv-parse/sync';

export const ROOT_ROW = '<root_account>';

export interface CredentialKey {
  /** 1 or 2: the report has two key slots per user. */
  slot: number;
  active: boolean;
  lastRotated: Date | null;
  lastUsed: Date | null;
  lastUsedService: string | null;
}

export interface CredentialRow {
  user: string;
  arn: string;
  created: Date | null;
  /** null for the root row (`not_supported`). */
  passwordEnabled: boolean | null;
  passwordLastUsed: Date | null;
  passwordLastChanged: Date | null;
  mfaActive: boolean;
  /** Both slots, active or not, when the report names a rotation date (a key exists or existed). */
  keys: CredentialKey[];
  certsActive: number;
}

function date(v: string | undefined): Date | null {
  if (!v || !/^\d{4}-\d\d-\d\dT/.test(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

const name = (v: string | undefined): string | null =>
  v && !['N/A', 'no_information', 'not_supported'].includes(v) ? v : null;

export function parseCredentialRows(csv: string): CredentialRow[] {
  if (!csv.trim()) return [];
  const rows = parse(csv, { columns: true, skip_empty_lines: true, bom: true }) as Array<
    Record<string, string>
  >;
  return rows
    .filter((r) => r.user)
    .map((r) => {
      const keys: CredentialKey[] = [];
      for (const slot of [1, 2]) {
        const active = r[`access_key_${slot}_active`] === 'true';
        const lastRotated = date(r[`access_key_${slot}_last_rotated`]);
        if (!active && !lastRotated) continue;
        keys.push({
          slot,
          active,
          lastRotated,
          lastUsed: date(r[`access_key_${slot}_last_used_date`]),
          lastUsedService: name(r[`access_key_${slot}_last_used_service`]),
        });
      }
      const pw = r.password_enabled;
      return {
        user: r.user!,
        arn: r.arn ?? '',
        created: date(r.user_creation_time),
        passwordEnabled: pw === 'true' ? true : pw === 'false' ? false : null,
        passwordLastUsed: date(r.password_last_used),
        passwordLastChanged: date(r.password_last_changed),
        mfaActive: r.mfa_active === 'true',
        keys,
        certsActive: [1, 2].filter((s) => r[`cert_${s}_active`] === 'true').length,
      };
    });
}
