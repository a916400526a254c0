/**
 * `monitoring.organizationTrail` and `monitoring.account` against the account part of the config:
 * an organization trail needs accounts to span, and its account must be one the files name.
 */
import type { Document, LineCounter } from 'yaml';
import type { MonitoringConfig } from '../model/desired.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { closest } from '../suggest.js';
import type { AccountPart } from './accounts.js';
import { yamlPosition } from './positions.js';

type Push = (severity: Diagnostic['severity'], pos: { line: number; col: number }, message: string) => void;

export function checkOrganizationTrail(
  monitoring: MonitoringConfig,
  accounts: AccountPart,
  doc: Document,
  lc: LineCounter,
  push: Push,
): void {
  const multi = accounts.accounts.length > 0 || accounts.organization !== null;
  if (monitoring.organizationTrail && !multi) {
    push(
      'error',
      yamlPosition(doc, lc, ['monitoring', 'organizationTrail']),
      'monitoring.organizationTrail: an organization trail spans many accounts, but iam-gitops.yml declares none: ' +
        'add accounts: (name → id) or organization:, or remove organizationTrail to keep the trail of this account',
    );
    return;
  }
  const name = monitoring.account;
  if (name === null) return;
  const at = yamlPosition(doc, lc, ['monitoring', 'account']);
  if (!monitoring.organizationTrail) {
    push(
      'warning',
      at,
      'monitoring.account: only an organization trail lives in one account; without organizationTrail: true ' +
        'every account gets its own trail, so remove monitoring.account or set organizationTrail: true',
    );
    return;
  }
  // With organization: the names found in the organization are known only at plan time.
  if (accounts.organization !== null) return;
  const names = accounts.accounts.map((a) => a.name);
  if (!names.includes(name)) {
    const near = closest(name, names);
    push(
      'error',
      at,
      `monitoring.account: '${name}' is not declared under accounts:` +
        (near ? `; did you mean '${near}'?` : ` (declared: ${names.join(', ')})`),
    );
  }
}
