/** `lint --format json` (SPEC §4): `{"dataVersion", "findings", "diff"?}`. */
import type { LintDiff } from './diff.js';
import type { LintResult } from './index.js';

export function formatJson(result: LintResult, diff?: LintDiff): string {
  // Exactly the SPEC's keys: ignored findings are listed by the text report only.
  const out: Record<string, unknown> = { dataVersion: result.dataVersion, findings: result.findings };
  if (diff) out.diff = diff;
  return `${JSON.stringify(out, null, 2)}\n`;
}
