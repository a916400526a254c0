/** A least-privilege lint finding (SPEC §4 `lint --format json`). */
export type Severity = 'error' | 'warning' | 'notice';

export interface Finding {
  /** Stable rule id, e.g. `privilege-escalation`, `passrole-star`, `unknown-action`. */
  rule: string;
  severity: Severity;
  /** Repository-relative file the finding points at (a policy file, a CSV, or iam-gitops.yml). */
  file: string;
  line: number;
  /** The policy the finding is about (custom file name or AWS managed policy name), if any. */
  policy?: string;
  /** Present when the finding is about a user's combined permissions. */
  user?: string;
  /**
   * The account a finding about an Identity Center person holds in (multi-account repositories);
   * absent for IAM users and single-account repositories.
   */
  account?: string;
  /** The Identity Center permission sets involved, when the finding is about them. */
  permissionSets?: string[];
  /** The IAM actions involved, `service:Action` form. */
  actions: string[];
  /** What is wrong and the attack path or consequence. */
  message: string;
  /** A concrete fix, ideally a rewritten statement. */
  fix: string;
}

export const SEVERITY_RANK: Record<Severity, number> = { notice: 0, warning: 1, error: 2 };
