/**
 * The account sections of a multi-account plan comment, and the gate's check of one section: what
 * the metadata says per account (hash, counts, pin, or the error), that the sections are the ones
 * the combined hash binds, and whether a fresh plan of one account is its approved section (or
 * what is left of it). Pure.
 */
import { multiPlanHash } from '../accounts/hash.js';
import type { AccountSection, MultiPlan } from '../model/accounts.js';
import type { Plan } from '../model/plan.js';
import { code, prose } from '../plan/md.js';
import { pinOf } from '../plan/pin.js';
import { countChanges } from '../plan/view.js';
import type { CommentMeta } from './comment.js';
import { checkSamePlan, type SamePlan } from './gate.js';

/** One account's part of the plan comment's metadata. */
export interface SectionMeta {
  account: string;
  id: string;
  /** The section's own plan hash; null when planning the account failed. */
  hash: string | null;
  /** Why the account could not be planned (verbatim: the combined hash covers it). */
  error?: string;
  counts: { create: number; update: number; delete: number };
  /** The section's pin (src/plan/pin.ts), when the comment had room for it. */
  pin?: string;
}

/** Room for the pins of all sections together in the comment's metadata. */
export const PINS_BUDGET = 30_000;

/** The metadata of every section; pins in section order while they fit in `pinsBudget`. */
export function sectionsMeta(multi: MultiPlan, pinsBudget = PINS_BUDGET): SectionMeta[] {
  let room = pinsBudget;
  return multi.sections.map((s) => {
    const out: SectionMeta = {
      account: s.account,
      id: s.accountId,
      hash: s.plan?.hash ?? null,
      counts: s.plan ? countChanges(s.plan.changes) : { create: 0, update: 0, delete: 0 },
    };
    if (!s.plan) out.error = s.error ?? '';
    const pin = s.plan ? pinOf(s.plan.changes) : undefined;
    if (pin !== undefined && pin.length <= room) {
      out.pin = pin;
      room -= pin.length;
    }
    return out;
  });
}

/**
 * Whether the sections in the metadata are the ones its combined hash binds. The metadata is
 * written by the plan job, but anyone with write access can edit a comment: a section whose hash
 * or account was changed without the plan job no longer matches the combined hash. A consistency
 * check, not a signature: the hash has no key, and the pins and counts are outside it. What holds
 * against an edit before the merge is the comment's own timestamp (gate.ts planPostedAt).
 */
export function sectionsBound(meta: CommentMeta, repo: string): boolean {
  if (!Array.isArray(meta.accounts)) return false;
  const sections: AccountSection[] = [];
  for (const a of meta.accounts) {
    if (!a || typeof a.account !== 'string' || typeof a.id !== 'string') return false;
    if (a.hash !== null && typeof a.hash !== 'string') return false;
    sections.push({
      account: a.account,
      accountId: a.id,
      plan: a.hash === null ? null : ({ hash: a.hash } as Plan),
      error: a.hash === null ? (a.error ?? '') : null,
    });
  }
  return multiPlanHash(sections, repo) === meta.hash;
}

const changesIn = (plan: Plan | null): number =>
  plan ? plan.changes.filter((o) => o.action !== 'no-op').length : 0;

/**
 * The fresh plan of one account against its approved section: the same plan (same hash), what is
 * left of it after an earlier run (every operation pinned), or nothing left to do. A section the
 * reviewers never saw, or saw failed, is approved for nothing but "no changes".
 */
export function checkSameSection(
  meta: CommentMeta,
  approved: SectionMeta | undefined,
  fresh: AccountSection,
): SamePlan {
  const name = code(fresh.account);
  if (!fresh.plan)
    return {
      ok: false,
      reason: `account ${fresh.account} could not be planned now: ${fresh.error ?? 'unknown error'}`,
      detail: `Nothing was changed in ${name}. Fix the access to the account and re-run this job.`,
    };
  if (!approved || approved.hash === null) {
    if (changesIn(fresh.plan) === 0 && fresh.plan.errors.length === 0)
      return { ok: true, mode: 'nothing-left', remaining: 0 };
    const why = !approved
      ? `account ${fresh.account} (${fresh.accountId}) has no section in the approved plan`
      : `the approved plan holds no plan for account ${fresh.account}: it failed when the pull request was planned (${approved.error ?? 'unknown error'})`;
    return {
      ok: false,
      reason: `${why}, and ${changesIn(fresh.plan)} change${changesIn(fresh.plan) === 1 ? ' is' : 's are'} planned there now. Open a new pull request so the plan of this account is reviewed`,
      detail: `Planned now in ${name}: ${prose(countsText(countChanges(fresh.plan.changes)))}.`,
    };
  }
  if (approved.id !== fresh.accountId)
    return {
      ok: false,
      reason: `the approved section ${fresh.account} is for account ${approved.id}, but the name now means account ${fresh.accountId}. Open a new pull request`,
      detail: `Nothing was changed in ${name}.`,
    };
  return checkSamePlan(
    { ...meta, hash: approved.hash, pin: approved.pin, counts: approved.counts, ops: undefined },
    fresh.plan,
  );
}

function countsText(c: { create: number; update: number; delete: number }): string {
  return `${c.create} to create, ${c.update} to update, ${c.delete} to delete`;
}
