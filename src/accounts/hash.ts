/**
 * The hash of a plan over many accounts. Each section's own hash is already bound to the
 * repository and its account (planHash over `repo` + `#account:<id>`), so a section approved for
 * one account can never be replayed in another; the combined hash binds the list.
 */
import { createHash } from 'node:crypto';
import type { AccountSection } from '../model/accounts.js';

const VERSION = 'iam-gitops/multi-plan-hash/v1';

/** The repository identity a section's plan hash is bound to. */
export function sectionRepo(repo: string, accountId: string): string {
  return `${repo}#account:${accountId}`;
}

export function multiPlanHash(sections: readonly AccountSection[], repo: string): string {
  const h = createHash('sha256');
  h.update(`${VERSION}\n${repo}\n`);
  const rows = sections
    .map((s) => `${s.account}\t${s.accountId}\t${s.plan ? s.plan.hash : `error:${s.error ?? ''}`}`)
    .sort();
  h.update(rows.join('\n'));
  return h.digest('hex');
}
