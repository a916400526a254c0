/**
 * `iam-gitops apply [--plan-hash <h>] [--approved-plan <plan.json>]`: plans afresh against the
 * live account, refuses when the plan is not the approved one, applies it and prints the report.
 * Exit 0 applied, 1 error or refused (SPEC §4).
 */
import { readFile } from 'node:fs/promises';
import { applyPlan, PlanRefusedError } from '../apply/executor.js';
import { comparePlans, formatPlanDifference } from '../apply/plan-compare.js';
import { formatApplyReport } from '../apply/report.js';
import { createClients, errorMessage, type AwsClients } from '../aws/clients.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { Operation } from '../model/plan.js';
import { runPlan } from '../pipeline.js';
import { dirIsRepo, regionOf, type CliArgs } from './args.js';
import { defaultIo, repoIdentity } from './plan.js';

export interface ApplyIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Tests pass clients pointed at the emulator; otherwise they come from the environment. */
  clients?: (region: string) => AwsClients;
}

/** `--approved-plan <file>` or `--approved-plan=<file>` among the arguments the shared parser left over. */
function approvedPlanPath(rest: string[]): string | undefined {
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--approved-plan=')) return a.slice('--approved-plan='.length);
    if (a === '--approved-plan') return rest[i + 1];
  }
  return undefined;
}

/** Replaces every secret seen so far, in case one ever reaches a message. */
function scrubber(): { mask: (s: string) => void; clean: (text: string) => string } {
  const secrets = new Set<string>();
  return {
    mask: (s) => void (s && secrets.add(s)),
    clean: (text) => [...secrets].reduce((t, s) => t.split(s).join('***'), text),
  };
}

export async function applyCommand(args: CliArgs, io: ApplyIo = defaultIo()): Promise<number> {
  if (!(await dirIsRepo(args, io))) return 1;
  const approvedFile = approvedPlanPath(args.rest);
  let approved: Operation[] | undefined;
  if (approvedFile) {
    try {
      approved = (JSON.parse(await readFile(approvedFile, 'utf8')) as { changes: Operation[] }).changes;
      if (!Array.isArray(approved)) throw new Error('it has no "changes" list');
    } catch (err) {
      io.err(`${approvedFile}: error: not a plan from \`plan --format json\` (${errorMessage(err)})\n`);
      return 1;
    }
  }

  const region = regionOf(io.env);
  const clientsFor = io.clients ?? ((r: string) => createClients({ region: r }));
  const clients = clientsFor(region);
  const repo = await repoIdentity(args.dir, io.env);
  const result = await runPlan({ dir: args.dir, repo, offline: false, clients, region });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + '\n');
  if (!result.ok) {
    io.err('validation failed: nothing was applied\n');
    return 1;
  }
  const { plan, desired } = result;

  if (args.planHash !== undefined && plan.hash !== args.planHash) {
    io.err(
      `error: refused: the plan changed since it was approved (approved ${args.planHash}, now ${plan.hash}); ` +
        'nothing was applied. Re-run plan, review and approve the new plan.\n',
    );
    if (approved)
      io.err(
        'What differs from the approved plan:\n' + formatPlanDifference(comparePlans(approved, plan.changes)),
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
  if (plan.changes.length === 0) {
    io.out('No changes: the account matches the files.\n');
    return 0;
  }

  const sesRegion = desired.config.email.region;
  const all = sesRegion === region ? clients : { ...clients, ses: clientsFor(sesRegion).ses };
  const secrets = scrubber();
  try {
    const report = await applyPlan(plan, {
      clients: all,
      accountId: plan.accountId,
      region,
      desired,
      maskSecret: secrets.mask,
      log: (m) => io.out(secrets.clean(m) + '\n'),
    });
    io.out('\n' + secrets.clean(formatApplyReport(report)));
    return report.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof PlanRefusedError) {
      io.err(`error: refused: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
