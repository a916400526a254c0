/**
 * `iam-gitops drift`: the plan of the files against live AWS; exit 0 none, 2 drift, 1 error
 * (SPEC §4). After the plan it lints what is live: the repository's policies widened out of band
 * and unmanaged users with administrator access or an escalation path; an error there is drift
 * too (exit 2).
 */
import { isMultiAccount } from '../accounts/resolve.js';
import { createClients, type AwsClients } from '../aws/clients.js';
import { readIam } from '../targets/iam/read.js';
import { loadDesired } from '../desired/index.js';
import { lintLive } from '../lint/live.js';
import { emptyActualState } from '../model/actual.js';
import type { Finding } from '../model/finding.js';
import type { CliArgs } from './args.js';
import { defaultIo, planOrDrift, type PlanIo } from './plan.js';

export async function driftCommand(args: CliArgs, io: PlanIo = defaultIo()): Promise<number> {
  // Many accounts: each account's live lint comes with its section (src/commands/plan-accounts.ts).
  const files = await loadDesired(args.dir).catch(() => null);
  if (files?.state && isMultiAccount(files.state.config)) return planOrDrift(args, 'drift', io);
  // The plan and the live lint share one set of clients (one call log, one credential chain).
  let clients: AwsClients | undefined;
  const make = io.clients ?? ((r: string) => createClients({ region: r }));
  const shared: PlanIo = { ...io, clients: (r) => (clients ??= make(r)) };
  const code = await planOrDrift(args, 'drift', shared);
  if (code === 1 || !clients) return code;
  const findings = await liveFindings(args.dir, clients);
  if (!findings.length) return code;
  // JSON on stdout stays one document: the live findings go to stderr then.
  const write = args.format === 'json' ? io.err : io.out;
  write(formatLive(findings));
  return findings.some((f) => f.severity === 'error') ? 2 : code;
}

async function liveFindings(dir: string, clients: AwsClients): Promise<Finding[]> {
  const loaded = await loadDesired(dir);
  if (!loaded.state) return [];
  // One more bulk read (GetAccountAuthorizationDetails pages): the plan does not hand out its state.
  const iam = await readIam(clients);
  const actual = { ...emptyActualState('', clients.region), ...iam };
  return lintLive(loaded.state, actual);
}

export function formatLive(findings: Finding[]): string {
  const lines = ['', `Live lint: ${findings.length} finding${findings.length === 1 ? '' : 's'}`];
  for (const f of findings) {
    const who = [f.policy ? `policy ${f.policy}` : '', f.user ? `user ${f.user}` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${f.severity}: ${f.file}:${f.line}: ${f.rule}${who ? ` (${who})` : ''}`);
    for (const l of f.message.split('\n')) lines.push(`    ${l}`);
    lines.push(`    fix: ${f.fix}`);
  }
  return lines.join('\n') + '\n';
}
