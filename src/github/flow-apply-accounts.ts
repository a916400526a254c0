/**
 * Apply on a push for a multi-account repository, after the gate (approvals, final head, settings
 * in force) passed for the pull request. Each account is judged on its own: its fresh plan must be
 * its approved section (or what is left of it), then it is applied; an account refused or failed
 * is reported and does not stop the others, and a re-run of its job (or of this job with the
 * `account` input) converges. With `account` set this job plans and applies that account only:
 * the matrix of the shipped workflow runs one such job per account.
 */
import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { closest } from '../suggest.js';
import type { Settings } from '../inputs.js';
import { code, table } from '../plan/md.js';
import { failingFindings } from '../plan/first-screen.js';
import { failingFindingLines } from './flow-plan.js';
import { neutralize } from '../safe-text.js';
import { annotate, collectProblems } from './annotations.js';
import type { AccountsEngine, ApplyOutcome, Deps } from './deps.js';
import { outcomeText, postResult, refusalText, setStatus, trackFailure } from './flow-apply.js';
import type { GateResult } from './gate.js';
import { setMultiPlanOutputs } from './outputs.js';
import { checkSameSection, sectionsBound, type SectionMeta } from './sections.js';
import { diagnosticsMarkdown, writeSummary } from './status.js';
import { keepIssue } from './tracked-issue.js';

type OkGate = Extract<GateResult, { ok: true }>;

/** GitHub refuses a label longer than this, and the issue with it. */
const LABEL_MAX = 50;

/**
 * The label of an account's tracked issue while its last apply did not finish. An account name
 * may be 64 characters, a label only 50: a longer one keeps its start and gets a digest of the
 * whole name after `~`, which no account name holds, so it is never another account's label.
 */
export function accountLabel(account: string): string {
  const label = `iam-gitops:apply:${account}`;
  if (label.length <= LABEL_MAX) return label;
  const digest = createHash('sha256').update(account.toLowerCase()).digest('hex').slice(0, 8);
  return `${label.slice(0, LABEL_MAX - digest.length - 1)}~${digest}`;
}

export interface AccountResult {
  account: string;
  accountId: string;
  result: 'applied' | 'nothing-left' | 'refused' | 'failed';
  /** The account's report: a refusal, nothing left, or the apply outcome. */
  text: string;
  outcome?: ApplyOutcome;
}

const ICON: Record<AccountResult['result'], string> = {
  applied: '✅ applied',
  'nothing-left': '✅ nothing left to apply',
  refused: '🛑 refused',
  failed: '❌ failed',
};

/** One account's report under its own heading: the flow's `### …` heading becomes the account's. */
function underAccount(r: Pick<AccountResult, 'account' | 'accountId' | 'text'>): string {
  return `#### ${code(r.account)} <sub>(account ${r.accountId})</sub>\n\n${r.text.replace(/^### /, '**').replace(/^(\*\*[^\n]*)/, '$1**')}`;
}

/** The job's report: a table of the accounts, then each account's report. */
export function accountsResultText(results: AccountResult[], only: string | null): string {
  const failed = results.filter((r) => r.result === 'failed' || r.result === 'refused');
  const scope = only
    ? `account ${code(only)}`
    : `${results.length} account${results.length === 1 ? '' : 's'}`;
  const headline = failed.length
    ? `### ❌ iam-gitops: ${scope} — ${failed.length} did not apply`
    : `### ✅ iam-gitops: ${scope} applied`;
  const rows = results.map((r) => [code(r.account), code(r.accountId), ICON[r.result]]);
  const retry = failed.length
    ? `\n\nRe-run ${only ? 'this job' : 'the apply'} once the cause is fixed: ${only ? 'it plans and applies this account only and' : 'each account'} continues its approved section; the accounts already applied find nothing left to do.`
    : '';
  return [`${headline}${retry}`, table(['account', 'id', 'result'], rows), ...results.map(underAccount)].join(
    '\n\n',
  );
}

export async function applyAccountsFlow(
  s: Settings,
  d: Deps & { accounts: AccountsEngine },
  gate: OkGate,
): Promise<void> {
  const repo = `${s.repo.owner}/${s.repo.repo}`;
  const meta = gate.meta;
  const only = s.account ?? null;
  if (!Array.isArray(meta.accounts))
    return refuseAll(
      s,
      d,
      gate,
      `the plan comment of #${gate.pr.number} holds a single-account plan, but the merged files declare accounts; the plan never ran per account. Open a new pull request so it does`,
    );
  if (!sectionsBound(meta, repo))
    return refuseAll(
      s,
      d,
      gate,
      'the account sections in the plan comment are not the ones its combined hash binds: the comment was edited after the plan job wrote it. Re-run the plan on a new pull request and approve it again',
    );
  const resolved = await d.accounts.resolve(gate.desired, 'apply', false);
  for (const p of resolved.problems) core.warning(neutralize(`iam-gitops: ${p}`));
  const names = resolved.accounts.map((a) => a.name);
  if (only && !names.includes(only)) {
    const near = closest(only, names);
    return refuseAll(
      s,
      d,
      gate,
      `account '${only}' is not one of this repository's accounts` +
        (near ? `; did you mean '${near}'?` : ` (${names.join(', ')})`),
    );
  }
  const run = await d.accounts.plan({
    loaded: gate.loaded,
    gate: gate.gate.settings,
    accounts: resolved.accounts,
    offline: false,
    purpose: 'apply',
    ...(only ? { only: [only] } : {}),
  });
  if (!run.ok) {
    annotate(collectProblems(run.diagnostics, [], s.dirFromWorkspace));
    return refuseAll(s, d, gate, 'the merged files are invalid', diagnosticsMarkdown(run.diagnostics));
  }
  setMultiPlanOutputs(run.multi);

  const by = gate.approvals.approvers.join(', ') || 'nobody (none required)';
  const failOn = gate.gate.settings.failOn;
  const approved = new Map<string, SectionMeta>(meta.accounts.map((a) => [a.account, a]));
  const results = new Map<string, AccountResult>();
  const toApply: string[] = [];
  const continued = new Set<string>();
  for (const section of run.multi.sections) {
    const base = { account: section.account, accountId: section.accountId };
    const same = checkSameSection(meta, approved.get(section.account), section);
    if (!same.ok) {
      results.set(section.account, {
        ...base,
        result: 'refused',
        text: refusalText(same.reason, same.detail),
      });
      continue;
    }
    const failing = failingFindings(section.plan!.findings, failOn);
    if (failing.length) {
      results.set(section.account, {
        ...base,
        result: 'refused',
        text: refusalText(
          `${failing.length} lint finding${failing.length === 1 ? '' : 's'} reach lint.failOn (${failOn})`,
          failingFindingLines(failing),
        ),
      });
      continue;
    }
    // The approved section had nothing to do, or an earlier run did it all: nothing to apply.
    if (same.mode === 'nothing-left' || same.remaining === 0) {
      results.set(section.account, {
        ...base,
        result: 'nothing-left',
        text: `### ✅ iam-gitops: nothing left to apply\n\nApproved by ${by}; the account already matches its approved section.`,
      });
      continue;
    }
    if (same.mode === 'continue') continued.add(section.account);
    toApply.push(section.account);
  }

  if (toApply.length && !only)
    await setStatus(
      d,
      gate,
      'applying',
      `### ⏳ iam-gitops: applying\n\nApproved by ${by}; applying ${toApply.length} account${toApply.length === 1 ? '' : 's'} now.`,
    );
  for (const name of toApply) core.info(`Applying account ${name}.`);
  for (const o of await d.accounts.apply(run, toApply))
    results.set(o.account, {
      account: o.account,
      accountId: o.accountId,
      result: o.outcome.ok ? 'applied' : 'failed',
      text: outcomeText(o.outcome, by, s.sha, continued.has(o.account)),
      outcome: o.outcome,
    });

  const ordered = run.multi.sections.map((x) => results.get(x.account)!).filter(Boolean);
  setAccountOutputs(ordered);
  const text = accountsResultText(ordered, only);
  const bad = ordered.filter((r) => r.result === 'failed' || r.result === 'refused');
  // Matrix jobs run at once: only a job that holds every account writes the plan comment's status.
  if (!only) await setStatus(d, gate, bad.length ? 'apply-failed' : 'applied', text);
  await postResult(s, d, gate, text);
  await writeSummary(text);
  // Every account applied: a repository-wide refusal from before is over (failures stay per account).
  if (bad.length === 0) await trackFailure(d, s, gate, null);
  for (const r of ordered)
    await trackAccount(
      d,
      s,
      gate,
      r.account,
      r.result === 'failed' || r.result === 'refused' ? underAccount(r) : null,
    );
  if (bad.length)
    core.setFailed(
      neutralize(
        `iam-gitops: ${bad.map((r) => `account ${r.account} ${r.result === 'refused' ? 'refused' : `failed${r.outcome?.error ? `: ${r.outcome.error}` : ''}`}`).join('; ')}.`,
      ),
    );
}

/** created-users, deleted-users and mail-status across accounts, each name as `account/user`. */
function setAccountOutputs(results: AccountResult[]): void {
  const created: string[] = [];
  const deleted: string[] = [];
  const mail: Record<string, string> = {};
  for (const r of results) {
    if (!r.outcome) continue;
    created.push(...r.outcome.createdUsers.map((u) => `${r.account}/${u}`));
    deleted.push(...r.outcome.deletedUsers.map((u) => `${r.account}/${u}`));
    for (const [u, m] of Object.entries(r.outcome.mail)) mail[`${r.account}/${u}`] = m;
  }
  core.setOutput('created-users', created.join(','));
  core.setOutput('deleted-users', deleted.join(','));
  core.setOutput('mail-status', JSON.stringify(mail));
}

/** Refuses every account of this job before any AWS call: the comment, the summary and the step say why. */
async function refuseAll(s: Settings, d: Deps, gate: OkGate, reason: string, detail?: string): Promise<void> {
  const text = refusalText(reason, detail);
  if (!s.account) await setStatus(d, gate, 'refused', text);
  await postResult(s, d, gate, text);
  await writeSummary(text);
  // Before any account is known: the account's own issue in a matrix job, else the repository's.
  if (s.account) await trackAccount(d, s, gate, s.account, text);
  else await trackFailure(d, s, gate, text);
  core.setFailed(`iam-gitops: apply refused: ${neutralize(reason)}.`);
}

/**
 * One labelled issue per account while that account's last apply did not finish; its next
 * successful apply closes it. Best effort, like the single-account issue.
 */
async function trackAccount(
  d: Deps,
  s: Settings,
  gate: OkGate,
  account: string,
  text: string | null,
): Promise<void> {
  const run = `${s.serverUrl}/${s.repo.owner}/${s.repo.repo}/actions/runs/${s.runId}`;
  const pr = `#${gate.pr.number}`;
  const label = accountLabel(account);
  try {
    await keepIssue(d.api, {
      label,
      title: `iam-gitops: the last apply in account ${account} did not finish`,
      body:
        `The apply of ${pr} from ${s.sha.slice(0, 7)} did not finish in account ${code(account)} ([workflow run](${run})).\n\n` +
        `${text ?? ''}\n\nTo finish it: re-run the failed job of that run (the matrix job of this account) once the cause is ` +
        'fixed; it continues the approved section of this account only. A refusal for drift or for a changed plan needs a new pull request.',
      clean: text === null,
      closingComment: `The apply of ${pr} from ${s.sha.slice(0, 7)} succeeded in account ${code(account)} ([workflow run](${run})). Closing.`,
      overflowNote: `The full report is in the job summary of [the workflow run](${run}).`,
    });
  } catch (err) {
    core.warning(
      `Could not keep the '${label}' issue (${err instanceof Error ? err.message : String(err)}); grant the apply job \`issues: write\` to get one.`,
    );
  }
}
