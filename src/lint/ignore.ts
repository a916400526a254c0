/** lint.ignore entries and lint.failOn. */
import type { LintIgnore } from '../model/desired.js';
import type { Finding } from '../model/finding.js';

function matches(entry: LintIgnore, f: Finding): boolean {
  if (entry.rule !== f.rule && entry.rule !== '*') return false;
  if (entry.policy !== undefined && !(f.policy ?? '').split(', ').includes(entry.policy)) return false;
  if (entry.user !== undefined && f.user !== entry.user) return false;
  return true;
}

export function applyIgnores(
  findings: Finding[],
  ignore: readonly LintIgnore[],
): { kept: Finding[]; ignored: Array<{ finding: Finding; reason: string }> } {
  const kept: Finding[] = [];
  const ignored: Array<{ finding: Finding; reason: string }> = [];
  for (const f of findings) {
    const entry = ignore.find((e) => matches(e, f));
    if (entry) ignored.push({ finding: f, reason: entry.reason });
    else kept.push(f);
  }
  return { kept, ignored };
}

/** Whether the findings fail the run under `lint.failOn`. */
export function reachesFailOn(findings: readonly Finding[], failOn: 'error' | 'warning' | 'never'): boolean {
  if (failOn === 'never') return false;
  return findings.some((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning'));
}
