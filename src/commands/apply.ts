/**
 * `iam-gitops apply [--plan-hash <h>] [--approved-plan <plan.json>] [--yes] [--allow-lint-errors]`:
 * plans afresh against the live account and applies only a plan someone agreed to: the pinned
 * hash (from either flag), or on a terminal the plan shown and answered `yes`, or `--yes`.
 * Lint findings at `lint.failOn` refuse it unless `--allow-lint-errors`. Every refusal happens
 * before the first AWS write. Exit 0 applied (or nothing to do), 1 error or refused (SPEC §4).
 */
import { readFile } from 'node:fs/promises';
import type { ClientsFor } from '../accounts/credentials.js';
import { isMultiAccount } from '../accounts/resolve.js';
import { applyPlan, PlanRefusedError } from '../apply/executor.js';
import { comparePlans, formatPlanDifference } from '../apply/plan-compare.js';
import { formatApplyReport } from '../apply/report.js';
import { createScrubber } from '../apply/scrubber.js';
import type { Clock } from '../apply/send-quota.js';
import { createClients, errorMessage, type AwsClients } from '../aws/clients.js';
import { reachesFailOn } from '../lint/index.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { Operation } from '../model/plan.js';
import { loadDesired } from '../desired/index.js';
import { runPlan } from '../pipeline.js';
import { renderText } from '../plan/render-text.js';
import { pendingAfterApply, pendingSubscriptionsLine } from '../plan/monitoring-line.js';
import { dirIsRepo, regionOf, type CliArgs } from './args.js';
import { askOnTerminal, confirmed, onTerminal } from './confirm.js';
import type { Colours } from './colour.js';
import { guarded, progress } from './output.js';
import { noAccountsError } from './accounts.js';
import { lintRefuses } from './lint-gate.js';
import { applyAccountsCommand } from './apply-accounts.js';
import { defaultIo, phaseProgress, repoIdentity } from './plan.js';

export interface ApplyIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Tests pass clients pointed at the emulator; otherwise they come from the environment. */
  clients?: (region: string) => AwsClients;
  /** stdin and stdout are a terminal, so the plan can be shown and confirmed; false when absent. */
  terminal?: boolean;
  /** Asks the question on the terminal and resolves with the answer. */
  ask?: (question: string) => Promise<string>;
  colour?: Colours;
  /** `[n/N] create user alice` on stderr as operations finish; on by default when stderr is a terminal. */
  progress?: boolean;
  /** Paces the welcome mails to the SES send rate; the real clock when absent (tests count sleeps). */
  clock?: Clock;
  /** With accounts: tests pass clients per account pointed at the emulator. */
  clientsFor?: ClientsFor;
}

export const defaultApplyIo = (): ApplyIo => ({ ...defaultIo(), terminal: onTerminal(), ask: askOnTerminal });

interface ApprovedPlan {
  file: string;
  hash: string;
  changes: Operation[];
}

/** The `plan --format json` output a reviewer approved: its hash and operations, or an error line. */
async function readApprovedPlan(file: string): Promise<ApprovedPlan | string> {
  let parsed: { hash?: unknown; changes?: unknown };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as typeof parsed;
  } catch (err) {
    return `${file}: error: not a plan from \`plan --format json\` (${errorMessage(err)}); nothing was applied`;
  }
  if (!parsed || typeof parsed.hash !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.hash))
    return `${file}: error: it has no plan hash; pass the unedited output of \`iam-gitops plan --format json\`; nothing was applied`;
  if (!Array.isArray(parsed.changes))
    return `${file}: error: it has no "changes" list; pass the unedited output of \`iam-gitops plan --format json\`; nothing was applied`;
  return { file, hash: parsed.hash, changes: parsed.changes as Operation[] };
}

export async function applyCommand(args: CliArgs, rawIo: ApplyIo = defaultApplyIo()): Promise<number> {
  const io = guarded(rawIo);
  // Decided before anything is read: without a pinned plan or --yes, someone must confirm at a terminal.
  const pinned = args.planHash !== undefined || args.approvedPlan !== undefined;
  const mustAsk = !pinned && !args.yes;
  if (mustAsk && !io.terminal) {
    io.err(
      'error: refused: apply changes IAM only with an approval and there is no terminal to ask on; ' +
        'pass --plan-hash <hash> (from the reviewed `iam-gitops plan`) or --approved-plan <plan.json>, ' +
        'or --yes to apply the fresh plan as it is; nothing was applied\n',
    );
    return 1;
  }
  if (!(await dirIsRepo(args, io))) return 1;
  const repo = await repoIdentity(args.dir, io.env);
  const loaded = await loadDesired(args.dir);
  if (loaded.state && isMultiAccount(loaded.state.config))
    return applyAccountsCommand(args, io, { ...loaded, state: loaded.state }, repo, mustAsk);
  if (args.accounts.length) {
    io.err(noAccountsError(args.accounts));
    return 1;
  }
  let approved: ApprovedPlan | undefined;
  if (args.approvedPlan !== undefined) {
    const read = await readApprovedPlan(args.approvedPlan);
    if (typeof read === 'string') {
      io.err(read + '\n');
      return 1;
    }
    approved = read;
    if (args.planHash !== undefined && args.planHash !== approved.hash) {
      io.err(
        `error: --plan-hash ${args.planHash} is not the hash of ${approved.file} (${approved.hash}); ` +
          'pass the hash of the plan that was approved, or only one of the flags; nothing was applied\n',
      );
      return 1;
    }
  }
  const approvedHash = args.planHash ?? approved?.hash;

  const region = regionOf(io.env);
  const clientsFor = io.clients ?? ((r: string) => createClients({ region: r }));
  const clients = clientsFor(region);
  const result = await runPlan({
    dir: args.dir,
    repo,
    offline: false,
    clients,
    region,
    loaded,
    onPhase: phaseProgress(io, 'apply'),
  });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + '\n');
  if (!result.ok) {
    io.err('validation failed: nothing was applied\n');
    return 1;
  }
  const { plan, desired } = result;

  if (approvedHash !== undefined && plan.hash !== approvedHash) {
    io.err(
      `error: refused: the plan changed since it was approved (approved ${approvedHash}, now ${plan.hash}); ` +
        'nothing was applied. Re-run plan, review and approve the new plan.\n',
    );
    if (approved)
      io.err(
        'What differs from the approved plan:\n' +
          formatPlanDifference(comparePlans(approved.changes, plan.changes)),
      );
    else {
      io.err('The plan apply would run now (pass --approved-plan <plan.json> to see what differs):\n');
      for (const o of plan.changes) io.err(`  ${o.action} ${o.type} ${o.name}\n`);
    }
    return 1;
  }
  if (plan.errors.length > 0) {
    for (const e of plan.errors) io.err(`error: ${e}\n`);
    io.err('refused: the plan has errors; nothing was applied\n');
    return 1;
  }
  const failOn = desired.config.lint.failOn;
  const failing = result.lint.findings.filter((f) => reachesFailOn([f], failOn));
  if (lintRefuses(failing, failOn, args.allowLintErrors, io.err)) return 1;
  if (plan.changes.length === 0) {
    io.out('No changes: the account matches the files.\n');
    const pending = pendingSubscriptionsLine(pendingAfterApply(plan, []), 'text');
    if (pending) io.out(pending + '\n');
    return 0;
  }
  if (mustAsk) {
    io.out(renderText({ plan, kind: 'plan', offlineReason: null }));
    const n = plan.changes.length;
    const answer = io.ask
      ? await io.ask(
          `\nApply these ${n} change${n === 1 ? '' : 's'} to account ${plan.accountId}? Only 'yes' applies: `,
        )
      : '';
    if (!confirmed(answer)) {
      io.err('Not applied: the answer was not `yes`; nothing was changed.\n');
      return 1;
    }
  }

  const sesRegion = desired.config.email.region;
  const all = sesRegion === region ? clients : { ...clients, ses: clientsFor(sesRegion).ses };
  // Replaces every secret seen so far, in case one ever reaches a message: one pass per line.
  const secrets = createScrubber();
  const total = plan.changes.length;
  let finished = 0;
  try {
    const report = await applyPlan(
      plan,
      {
        clients: all,
        accountId: plan.accountId,
        region,
        desired,
        // The plan's read, seconds old: handlers take existence and ownership from it.
        actual: result.actual,
        maskSecret: secrets.mask,
        ...(io.clock ? { clock: io.clock } : {}),
        // Quiet by default: the report below has the counts and every failure; --verbose logs each step.
        log: (m) => {
          if (args.verbose) io.out(secrets.clean(m) + '\n');
        },
      },
      {
        afterEach: (op) =>
          progress(io, secrets.clean(`[${++finished}/${total}] ${op.action} ${op.type} ${op.name}`)),
      },
    );
    io.out('\n' + secrets.clean(formatApplyReport(report)));
    const pending = pendingSubscriptionsLine(pendingAfterApply(plan, report.results), 'text');
    if (pending) io.out(secrets.clean(pending) + '\n');
    return report.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof PlanRefusedError) {
      io.err(`error: refused: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
