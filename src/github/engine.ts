/** Wires the GitHub flows to the real modules: pipeline, renderers, executor, OIDC. */
import * as core from '@actions/core';
import { applyPlan } from '../apply/executor.js';
import { createScrubber } from '../apply/scrubber.js';
import type { ApplyContext } from '../apply/types.js';
import { createClients, errorMessage } from '../aws/clients.js';
import { loadDesired } from '../desired/index.js';
import type { Settings } from '../inputs.js';
import { runPlan } from '../pipeline.js';
import { pendingAfterApply, pendingSubscriptionsLine } from '../plan/monitoring-line.js';
import { renderMarkdown } from '../plan/render-markdown.js';
import { renderSummary } from '../plan/render-summary.js';
import { neutralize } from '../safe-text.js';
import { maskEmails } from '../plan/mask.js';
import { createGitHubApi } from './api.js';
import { failureText, toOutcome } from './apply-report.js';
import { oidcClients } from './aws-access.js';
import { createAccountsEngine } from './engine-accounts.js';
import type { Deps, OkRun, RenderOptions } from './deps.js';

const input = (run: OkRun, o: RenderOptions) => ({
  plan: run.plan,
  head: o.head,
  base: o.base,
  plannedAt: o.plannedAt,
  kind: o.kind,
  dataVersion: run.lint.dataVersion,
  offlineReason: o.offlineReason,
  failOn: o.failOn,
  gateChanges: o.gateChanges,
  blast: o.blast,
  blastNote: o.blastNote,
  approvals: o.approvals,
});

export function createEngine(s: Settings): Deps {
  const deps: Deps = {
    api: createGitHubApi(s.githubToken, s.repo, s.apiUrl),
    runPlan,
    loadDesired: (dir, configPath) => loadDesired(dir, { configPath }),
    renderComment(run, o) {
      const r = renderMarkdown(input(run, o), o.budget);
      return { markdown: r.body, truncated: r.truncated };
    },
    renderSummary: (run, o) => renderSummary(input(run, o)).markdown,
    async awsClients(role, region, sesRegion) {
      if (role) return oidcClients(s, role, region, sesRegion);
      core.info('No role to assume: using the AWS credentials already in the environment.');
      return createClients({ region, sesRegion });
    },
    async applyPlan(run, clients) {
      // The runner masks what setSecret registered; the scrubber also keeps a secret out of a
      // line before it is written, in one pass per line whatever the number of secrets.
      const secrets = createScrubber();
      const ctx: ApplyContext = {
        clients,
        accountId: run.plan.accountId,
        region: clients.region,
        desired: run.desired,
        actual: run.actual,
        maskSecret: (v) => {
          secrets.mask(v);
          core.setSecret(v);
        },
        // Progress lines carry names and AWS messages (SES names a rejected recipient): no line of
        // them may become a workflow command, and a public log shows no address.
        log: (m) => core.info(neutralize(maskEmails(secrets.clean(m)))),
      };
      try {
        const report = await applyPlan(run.plan, ctx);
        const outcome = toOutcome(report);
        const pending = pendingSubscriptionsLine(pendingAfterApply(run.plan, report.results));
        return pending ? { ...outcome, markdown: `${outcome.markdown}\n\n${pending}` } : outcome;
      } catch (err) {
        return {
          ok: false,
          createdUsers: [],
          deletedUsers: [],
          mail: {},
          markdown: '',
          error: failureText(errorMessage(err)),
        };
      }
    },
    now: () => new Date(),
  };
  deps.accounts = createAccountsEngine(s);
  return deps;
}
