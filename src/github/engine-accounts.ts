/**
 * Wires the multi-account flows to the accounts core: the accounts of the run (declared, and
 * discovered with AWS Organizations through the action's role), each account's clients through
 * GitHub OIDC (its own role, or the hub role that assumes each member role), runPlanAccounts and
 * applyAccounts, with the apply's log and secrets handled as in a single-account apply.
 */
import * as core from '@actions/core';
import { makeClientsFor, type ClientsFor } from '../accounts/credentials.js';
import { listOrganization } from '../accounts/discover.js';
import { resolveAccounts } from '../accounts/resolve.js';
import { applyAccounts } from '../apply/accounts.js';
import { createScrubber } from '../apply/scrubber.js';
import { createClients, errorMessage, type AwsClients } from '../aws/clients.js';
import type { Settings } from '../inputs.js';
import type { DesiredState } from '../model/desired.js';
import { pendingAfterApply, pendingSubscriptionsLine } from '../plan/monitoring-line.js';
import { maskEmails } from '../plan/mask.js';
import { runPlanAccounts } from '../pipeline-accounts.js';
import { neutralize } from '../safe-text.js';
import { failureText, toOutcome } from './apply-report.js';
import { oidcClients } from './aws-access.js';
import type { AccountOutcome, AccountsEngine, ApplyOutcome, MultiRun, Purpose } from './deps.js';

const failed = (error: string): ApplyOutcome => ({
  ok: false,
  createdUsers: [],
  deletedUsers: [],
  mail: {},
  markdown: '',
  error: failureText(error),
});

export function createAccountsEngine(s: Settings): AccountsEngine {
  let made: { clientsFor: ClientsFor; key: string } | null = null;
  /** One credential cache for the run, made when the files (hub:, email.region) are known. */
  const clientsFor = (desired: DesiredState): ClientsFor => {
    const key = JSON.stringify([desired.config.hub, desired.config.email.region]);
    if (made?.key !== key)
      made = {
        key,
        clientsFor: makeClientsFor({
          region: s.awsRegion,
          ...(s.oidcAvailable ? { oidcToken: () => core.getIDToken('sts.amazonaws.com') } : {}),
          planRole: s.planRoleToAssume,
          applyRole: s.roleToAssume,
          hub: desired.config.hub,
          sessionName: s.sessionName ?? `iam-gitops-${s.runId || 'local'}-1`,
          sesRegion: desired.config.email.region,
          maskSecret: (v) => core.setSecret(v),
          log: (m) => core.info(neutralize(m)),
        }),
      };
    return made.clientsFor;
  };
  let lastDesired: DesiredState | null = null;

  /** The organization is listed with the action's role for `purpose` (the hub, or the management account's). */
  const discoveryClients = async (purpose: Purpose): Promise<AwsClients> => {
    const role =
      purpose === 'apply' ? (s.roleToAssume ?? s.planRoleToAssume) : (s.planRoleToAssume ?? s.roleToAssume);
    if (role) return oidcClients(s, role, s.awsRegion);
    core.info('No role to assume for discovery: using the AWS credentials already in the environment.');
    return createClients({ region: s.awsRegion });
  };

  return {
    async resolve(desired, purpose, offline) {
      lastDesired = desired;
      const org = desired.config.organization;
      if (!org) return resolveAccounts(desired, null);
      if (offline) {
        return {
          ...resolveAccounts(desired, null),
          notes: [
            'organization: the accounts of the organization are not listed in an offline plan; only the declared ones are planned',
          ],
        };
      }
      const clients = await discoveryClients(purpose);
      try {
        return resolveAccounts(desired, await listOrganization(clients, org));
      } finally {
        clients.sts.destroy();
      }
    },
    async plan(opts): Promise<MultiRun> {
      const desired = opts.loaded.state;
      if (desired) lastDesired = desired;
      const real = desired ? clientsFor(desired) : undefined;
      return runPlanAccounts({
        dir: s.dir,
        configPath: s.configPath,
        repo: `${s.repo.owner}/${s.repo.repo}`,
        offline: opts.offline,
        region: s.awsRegion,
        gate: opts.gate,
        loaded: opts.loaded,
        accounts: opts.accounts,
        ...(opts.only ? { only: opts.only } : {}),
        // The apply's re-plan reads with the apply role, as a single-account apply does.
        ...(real ? { clientsFor: (a) => real(a, opts.purpose) } : {}),
        onAccount: (name, phase) => {
          if (phase === 'failed')
            core.warning(neutralize(`Account ${name} could not be planned; see its section.`));
        },
      });
    },
    async apply(run, names): Promise<AccountOutcome[]> {
      if (names.length === 0) return [];
      const secrets = createScrubber();
      const results = await applyAccounts({
        run,
        clientsFor: clientsFor(lastDesired ?? run.desired),
        only: names,
        maskSecret: (v) => {
          secrets.mask(v);
          core.setSecret(v);
        },
        // Progress lines carry names and AWS messages: never a workflow command, no address.
        log: (account, m) => core.info(neutralize(maskEmails(secrets.clean(`[${account}] ${m}`)))),
      });
      return results.map((r) => {
        let outcome: ApplyOutcome;
        if (r.report) {
          outcome = toOutcome(r.report);
          const section = run.multi.sections.find((x) => x.account === r.account);
          const pending =
            section?.plan && pendingSubscriptionsLine(pendingAfterApply(section.plan, r.report.results));
          if (pending) outcome = { ...outcome, markdown: `${outcome.markdown}\n\n${pending}` };
          if (!r.ok && r.error && !outcome.error) outcome = { ...outcome, error: failureText(r.error) };
        } else
          outcome = r.ok
            ? {
                ok: true,
                createdUsers: [],
                deletedUsers: [],
                mail: {},
                markdown: 'Nothing to do in this account.',
              }
            : failed(r.error ?? 'unknown error');
        return { account: r.account, accountId: r.accountId, outcome };
      });
    },
    async clients(account, purpose) {
      if (!lastDesired) throw new Error('clients: the files were not read yet');
      try {
        return await clientsFor(lastDesired)(account, purpose);
      } catch (err) {
        throw new Error(errorMessage(err));
      }
    },
  };
}
