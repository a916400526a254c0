/**
 * `apply` on a repository with `accounts:` or `organization:`: plans every account named (or all)
 * afresh with its apply role and applies them, a few accounts at once, each with its own report.
 *
 * The approval: `--plan-hash` is the combined hash of the accounts planned (`plan` prints it), or
 * with one `--account` that account's section hash; `--approved-plan` is `plan --format json`,
 * and every section applied now must have the hash that file gives its account (so one account
 * of a reviewed plan can be applied alone). A section that differs refuses the whole run, as do
 * lint findings at lint.failOn: every refusal happens before the first AWS write. An account
 * that fails once applying has begun is reported; the others go on; `--account` retries it.
 */
import { readFile } from 'node:fs/promises';
import { applyAccounts, type AccountApplyResult } from '../apply/accounts.js';
import { comparePlans, formatPlanDifference } from '../apply/plan-compare.js';
import { formatApplyReport } from '../apply/report.js';
import { createScrubber } from '../apply/scrubber.js';
import { errorMessage } from '../aws/clients.js';
import type { LoadResult } from '../desired/index.js';
import { reachesFailOn } from '../lint/index.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import { multiPlanHash } from '../accounts/hash.js';
import type { AccountSection } from '../model/accounts.js';
import type { Operation, Plan } from '../model/plan.js';
import { runPlanAccounts, type MultiPlanRun } from '../pipeline-accounts.js';
import { pendingAfterApply, pendingSubscriptionsLine } from '../plan/monitoring-line.js';
import { renderAccountsText, sectionPlans } from '../plan/render-accounts.js';
import { plural } from '../plan/view.js';
import { regionOf, type CliArgs } from './args.js';
import { accountProgress, runAccounts } from './accounts.js';
import type { ApplyIo } from './apply.js';
import { confirmed } from './confirm.js';
import { lintRefuses } from './lint-gate.js';
import { progress } from './output.js';

interface ApprovedSections {
  file: string;
  hash: string;
  sections: Map<string, { hash: string | null; changes: Operation[] }>;
  /** The file's sections hash to its `hash` (so a pinned --plan-hash pins them too). */
  bound: boolean;
}

/** `plan --format json` of a multi-account repository, or an error line. */
async function readApprovedSections(file: string, repo: string): Promise<ApprovedSections | string> {
  let parsed: { hash?: unknown; sections?: unknown };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as typeof parsed;
  } catch (err) {
    return `${file}: error: not a plan from \`plan --format json\` (${errorMessage(err)}); nothing was applied`;
  }
  const bad = (why: string) =>
    `${file}: error: ${why}; pass the unedited output of \`iam-gitops plan --format json\` of this repository; nothing was applied`;
  if (!parsed || typeof parsed.hash !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.hash))
    return bad('it has no plan hash');
  if (!Array.isArray(parsed.sections))
    return bad('it is the plan of one account, and this repository has many (it has no "sections")');
  const sections = new Map<string, { hash: string | null; changes: Operation[] }>();
  const rows: AccountSection[] = [];
  for (const s of parsed.sections as Array<Record<string, unknown>>) {
    const plan = s?.plan as { hash?: unknown; changes?: unknown } | null | undefined;
    if (typeof s?.account !== 'string') return bad('a section names no account');
    const hash = typeof plan?.hash === 'string' && /^[0-9a-f]{64}$/.test(plan.hash) ? plan.hash : null;
    sections.set(s.account, {
      hash,
      changes: Array.isArray(plan?.changes) ? (plan.changes as Operation[]) : [],
    });
    rows.push({
      account: s.account,
      accountId: String(s.accountId),
      plan: hash === null ? null : ({ hash } as Plan),
      error: typeof s.error === 'string' ? s.error : null,
    });
  }
  return { file, hash: parsed.hash, sections, bound: multiPlanHash(rows, repo) === parsed.hash };
}

export async function applyAccountsCommand(
  args: CliArgs,
  io: ApplyIo,
  loaded: LoadResult & { state: NonNullable<LoadResult['state']> },
  repo: string,
  mustAsk: boolean,
): Promise<number> {
  let approved: ApprovedSections | undefined;
  if (args.approvedPlan !== undefined) {
    const read = await readApprovedSections(args.approvedPlan, repo);
    if (typeof read === 'string') {
      io.err(read + '\n');
      return 1;
    }
    approved = read;
  }
  const region = regionOf(io.env);
  const accounts = await runAccounts(loaded.state, args.accounts, region, io);
  if (!accounts) return 1;
  // The fresh plan is read with each account's apply role, the credentials that will write.
  const base = accounts.clientsFor;
  const result = await runPlanAccounts({
    dir: args.dir,
    repo,
    offline: false,
    region,
    loaded,
    accounts: accounts.all,
    clientsFor: (a) => base(a, 'apply'),
    ...(accounts.only ? { only: accounts.only } : {}),
    onAccount: accountProgress(io, 'apply'),
  });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + '\n');
  if (!result.ok) {
    io.err('validation failed: nothing was applied\n');
    return 1;
  }
  const { multi } = result;
  const sections = multi.sections;

  // The approval, checked for every section before anything is written.
  if (args.planHash !== undefined && approved && args.planHash !== approved.hash) {
    io.err(
      `error: --plan-hash ${args.planHash} is not the hash of ${approved.file} (${approved.hash}); ` +
        'pass the hash of the plan that was approved, or only one of the flags; nothing was applied\n',
    );
    return 1;
  }
  // The sections below are what is checked: with a pinned hash they must be the ones it was computed over.
  if (args.planHash !== undefined && approved && !approved.bound) {
    io.err(
      `error: refused: the sections of ${approved.file} do not hash to ${approved.hash}: the file was edited ` +
        'after `iam-gitops plan --format json`; pass the unedited file; nothing was applied\n',
    );
    return 1;
  }
  if (approved) {
    const differ = sections.filter((s) => {
      const a = approved.sections.get(s.account);
      return !a || (s.plan ? a.hash !== s.plan.hash : a.hash !== null);
    });
    if (differ.length) {
      io.err(
        `error: refused: the plan of ${differ.map((s) => s.account).join(', ')} changed since it was approved ` +
          `(or ${approved.file} has no such section); nothing was applied. Re-run plan, review and approve the new plan.\n`,
      );
      for (const s of differ) {
        const a = approved.sections.get(s.account);
        io.err(`What differs in account ${s.account} (${s.accountId}):\n`);
        if (!a) io.err(`  ${approved.file} has no section for ${s.account}\n`);
        else if (!s.plan) io.err(`  it cannot be planned now: ${s.error ?? 'unknown error'}\n`);
        else io.err(formatPlanDifference(comparePlans(a.changes, s.plan.changes)));
      }
      return 1;
    }
  } else if (args.planHash !== undefined) {
    const one = sections.length === 1 ? sections[0]!.plan?.hash : undefined;
    if (args.planHash !== multi.hash && args.planHash !== one) {
      io.err(
        `error: refused: the plan changed since it was approved (approved ${args.planHash}, now ${multi.hash}` +
          (one ? `; account ${sections[0]!.account}'s section: ${one}` : '') +
          '); nothing was applied. Re-run plan, review and approve the new plan. The plan apply would run now ' +
          '(pass --approved-plan <plan.json> to see what differs):\n',
      );
      for (const s of sections) {
        io.err(`  account ${s.account} (${s.accountId}):${s.plan ? '' : ` cannot be planned: ${s.error}`}\n`);
        for (const o of s.plan?.changes ?? []) io.err(`    ${o.action} ${o.type} ${o.name}\n`);
      }
      return 1;
    }
  }

  const failOn = result.desired.config.lint.failOn;
  const failing = uniqueFindings(sectionPlans(multi).flatMap((p) => p.findings)).filter((f) =>
    reachesFailOn([f], failOn),
  );
  if (lintRefuses(failing, failOn, args.allowLintErrors, io.err)) return 1;

  const total = sectionPlans(multi).reduce((n, p) => n + p.changes.length, 0);
  const broken = sections.filter((s) => !s.plan || s.plan.errors.length > 0);
  if (total === 0 && broken.length === 0) {
    io.out(
      `No changes: ${sections.length === 1 ? 'the account matches' : 'every account matches'} the files.\n`,
    );
    return 0;
  }
  if (mustAsk) {
    io.out(renderAccountsText({ multi, kind: 'plan', offlineReason: null }));
    const where = sections.filter((s) => s.plan && s.plan.changes.length > 0).length;
    const answer = io.ask
      ? await io.ask(
          `\nApply these ${plural(total, 'change')} to ${plural(where, 'account')}? Only 'yes' applies: `,
        )
      : '';
    if (!confirmed(answer)) {
      io.err('Not applied: the answer was not `yes`; nothing was changed.\n');
      return 1;
    }
  }

  const secrets = createScrubber();
  const done = new Map<string, number>();
  const results = await applyAccounts({
    run: result,
    clientsFor: base,
    maskSecret: secrets.mask,
    ...(accounts.only ? { only: accounts.only } : {}),
    ...(io.clock ? { clock: io.clock } : {}),
    log: (account, m) => {
      if (args.verbose) io.out(secrets.clean(`[${account}] ${m}`) + '\n');
    },
    afterEach: (account, op) => {
      const n = (done.get(account) ?? 0) + 1;
      done.set(account, n);
      const of = result.runs[account]?.plan.changes.length ?? 0;
      progress(io, secrets.clean(`[${account}] [${n}/${of}] ${op.action} ${op.type} ${op.name}`));
    },
    onAccount: (account, phase) => progress(io, `[apply] account ${account}: ${phase}`),
  });
  io.out('\n' + secrets.clean(formatResults(results, result)));
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    const names = failed.map((r) => r.account);
    io.err(
      `error: ${plural(failed.length, 'account')} of ${results.length} failed: ${names.join(', ')}. ` +
        `The others are applied. Once the cause is fixed: iam-gitops plan ${names.map((n) => `--account ${n}`).join(' ')}, ` +
        'review, and apply the same way (every step is safe to repeat)\n',
    );
    return 1;
  }
  return 0;
}

function formatResults(results: AccountApplyResult[], run: MultiPlanRun & { ok: true }): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(
      `=== account ${r.account} (${r.accountId}): ${r.ok ? (r.report ? 'applied' : 'no changes') : 'FAILED'} ===`,
    );
    if (r.error) out.push(`error: ${r.error}`);
    if (r.report) out.push(formatApplyReport(r.report).trimEnd());
    const plan = run.runs[r.account]?.plan;
    if (plan && r.report) {
      const pending = pendingSubscriptionsLine(pendingAfterApply(plan, r.report.results), 'text');
      if (pending) out.push(pending);
    }
    out.push('');
  }
  const ok = results.filter((r) => r.ok).length;
  out.push(`Accounts: ${ok} of ${results.length} applied or already matching.`);
  return out.join('\n') + '\n';
}

/** The same finding reported by several accounts (a policy used in each) counts once. */
function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\t${f.file}\t${f.line}\t${f.user ?? ''}\t${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
