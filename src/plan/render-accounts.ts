/**
 * A plan over many accounts for a terminal (text) and for machines (JSON): one section per
 * account, each the single-account rendering of its plan (or the error that stopped it), then a
 * summary with each account's headline counts and deletions, and the combined hash that an
 * approval of every account pins.
 */
import type { AccountSection, MultiPlan } from '../model/accounts.js';
import type { Plan } from '../model/plan.js';
import { maskEmails } from './mask.js';
import { toPlanJson, type PlanJson } from './render-json.js';
import { renderText } from './render-text.js';
import { buildView, plural } from './view.js';

export interface AccountsTextInput {
  multi: MultiPlan;
  kind?: 'plan' | 'drift';
  offlineReason?: string | null;
}

export function renderAccountsText({ multi, kind = 'plan', offlineReason }: AccountsTextInput): string {
  const out: string[] = [];
  const n = multi.sections.length;
  out.push(`iam-gitops ${kind} — ${plural(n, 'account')}`);
  for (const s of multi.sections) {
    out.push('', `=== account ${s.account} (${s.accountId}) ===`);
    if (s.plan) out.push(renderText({ plan: s.plan, kind, offlineReason }).trimEnd());
    else
      out.push(`✗ could not be ${kind === 'drift' ? 'checked' : 'planned'}: ${s.error ?? 'unknown error'}`);
  }
  out.push('', `Summary (${plural(n, 'account')}):`);
  const width = Math.max(...multi.sections.map((s) => s.account.length), 7);
  for (const s of multi.sections) out.push(`  ${s.account.padEnd(width)}  ${headline(s, kind)}`);
  const failed = multi.sections.filter((s) => !s.plan).length;
  const refused = multi.sections.filter((s) => s.plan && s.plan.errors.length > 0).length;
  if (failed)
    out.push(`${plural(failed, 'account')} could not be ${kind === 'drift' ? 'checked' : 'planned'}.`);
  if (refused) out.push(`${plural(refused, 'account')} with a plan that cannot be applied.`);
  out.push(`Combined plan hash (every account above): ${multi.hash}`);
  return maskEmails(out.join('\n')) + '\n';
}

/** `2 to create, 0 to change, 1 to delete (deletes user carol)`, `no changes`, or the error. */
export function headline(s: AccountSection, kind: 'plan' | 'drift' = 'plan'): string {
  if (!s.plan) return `ERROR: ${firstLine(s.error ?? 'unknown error')}`;
  const view = buildView(s.plan);
  const { create, update, delete: del } = view.counts;
  const errors = s.plan.errors.length ? `; REFUSED: ${plural(s.plan.errors.length, 'error')}` : '';
  if (create + update + del === 0) return (kind === 'drift' ? 'no drift' : 'no changes') + errors;
  const deletes = view.deletions.length
    ? ` (deletes ${view.deletions.map((d) => `${d.type} ${d.name}`).join(', ')})`
    : '';
  return `${create} to create, ${update} to change, ${del} to delete${deletes}${errors}`;
}

const firstLine = (t: string): string => t.split('\n')[0]!;

export interface AccountsPlanJson {
  /** The combined hash: `apply --plan-hash` of every account planned here. */
  hash: string;
  sections: Array<{ account: string; accountId: string; error: string | null; plan: PlanJson | null }>;
}

function toAccountsJson(multi: MultiPlan): AccountsPlanJson {
  return {
    hash: multi.hash,
    sections: multi.sections.map((s) => ({
      account: s.account,
      accountId: s.accountId,
      error: s.error,
      plan: s.plan ? toPlanJson(s.plan) : null,
    })),
  };
}

export function renderAccountsJson(multi: MultiPlan): string {
  return JSON.stringify(toAccountsJson(multi), null, 2) + '\n';
}

/** Every section's plan, for checks that look at all of them (errors, changes). */
export function sectionPlans(multi: MultiPlan): Plan[] {
  return multi.sections.flatMap((s) => (s.plan ? [s.plan] : []));
}
