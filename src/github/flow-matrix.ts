/**
 * `mode: accounts`: the account names to apply, as the JSON list a workflow's matrix reads
 * (`strategy.matrix.account: ${{ fromJSON(needs.accounts.outputs.accounts) }}`). Declared accounts
 * come from the files; with `organization:` the accounts are discovered through the plan role. A
 * single-account repository gets `[""]`: one job with no `account`, the apply as before.
 */
import * as core from '@actions/core';
import { errorMessage } from '../aws/clients.js';
import type { Settings } from '../inputs.js';
import { code, table } from '../plan/md.js';
import { neutralize } from '../safe-text.js';
import { annotate, collectProblems } from './annotations.js';
import type { Deps } from './deps.js';
import { isMultiAccount } from '../accounts/resolve.js';
import { diagnosticsMarkdown, writeSummary } from './status.js';

/** GitHub runs at most this many jobs from one matrix. */
export const MATRIX_LIMIT = 256;

export async function matrixFlow(s: Settings, d: Deps): Promise<void> {
  const loaded = await d.loadDesired(s.dir, s.configPath);
  const errors = loaded.diagnostics.filter((x) => x.severity === 'error');
  if (!loaded.state || errors.length) {
    annotate(collectProblems(loaded.diagnostics, [], s.dirFromWorkspace));
    await writeSummary(diagnosticsMarkdown(loaded.diagnostics));
    core.setFailed(
      `iam-gitops: the files are invalid (${errors.length} error${errors.length === 1 ? '' : 's'}).`,
    );
    return;
  }
  if (!isMultiAccount(loaded.state.config) || !d.accounts) {
    core.setOutput('accounts', JSON.stringify(['']));
    core.info('Single-account repository: one apply job, no account input.');
    return;
  }
  // Discovery (organization:) lists the accounts with the role this job was given.
  let resolved: Awaited<ReturnType<typeof d.accounts.resolve>>;
  try {
    resolved = await d.accounts.resolve(loaded.state, s.roleToAssume ? 'apply' : 'plan', false);
  } catch (err) {
    core.setFailed(
      neutralize(
        `iam-gitops: the accounts of the organization could not be listed: ${errorMessage(err)}. ` +
          'With organization:, give the accounts job `id-token: write`, `environment: iam-apply` and ' +
          '`role-to-assume` (docs/deploy.md, "The apply matrix").',
      ),
    );
    return;
  }
  for (const p of resolved.problems) core.warning(neutralize(`iam-gitops: ${p}`));
  const names = resolved.accounts.map((a) => a.name);
  if (names.length > MATRIX_LIMIT) {
    core.setFailed(
      `iam-gitops: ${names.length} accounts are more than one matrix runs (${MATRIX_LIMIT} jobs); ` +
        'split the accounts over several workflows by organization.ou, or apply them in one job (leave out the matrix and the account input).',
    );
    return;
  }
  core.setOutput('accounts', JSON.stringify(names));
  core.info(neutralize(`Accounts: ${names.join(', ') || '(none)'}.`));
  await writeSummary(
    [
      `### iam-gitops: ${names.length} account${names.length === 1 ? '' : 's'}`,
      table(
        ['account', 'id', 'from'],
        resolved.accounts.map((a) => [code(a.name), code(a.id), a.origin]),
      ),
    ].join('\n\n'),
  );
}
