/** SARIF 2.1.0 for code scanning: one rule per id with help text, one result per finding. */
import type { Finding, Severity } from '../model/finding.js';
import type { LintResult } from './index.js';
import { RULE_HELP } from './rule-help.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  notice: 'note',
};

export function formatSarif(result: LintResult): string {
  const ids = [...new Set(result.findings.map((f) => f.rule))].sort();
  const rules = ids.map((id) => ({
    id,
    name: id,
    shortDescription: { text: RULE_HELP[id] ?? id },
    help: { text: RULE_HELP[id] ?? id },
  }));
  const results = result.findings.map((f: Finding) => ({
    ruleId: f.rule,
    ruleIndex: ids.indexOf(f.rule),
    level: LEVEL[f.severity],
    message: { text: `${f.message}\nFix: ${f.fix}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.file },
          region: { startLine: Math.max(1, f.line) },
        },
      },
    ],
    properties: {
      actions: f.actions,
      ...(f.policy ? { policy: f.policy } : {}),
      ...(f.user ? { user: f.user } : {}),
      ...(f.account ? { account: f.account } : {}),
      ...(f.permissionSets ? { permissionSets: f.permissionSets } : {}),
    },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'iam-gitops lint',
            informationUri: 'https://github.com/iam-gitops/iam-gitops',
            semanticVersion: '0.1.0',
            rules,
            properties: { dataVersion: result.dataVersion },
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
