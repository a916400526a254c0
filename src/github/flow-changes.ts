/**
 * `mode: check-changes`: tells the plan workflow whether the pull request touches anything the
 * plan reads (src/github/changed-files.ts). Output `iam-changed` is `true` or `false`; with `false`
 * the workflow skips the plan jobs and its always-reporting `iam-plan` job passes at once. Reads
 * only the local clone: no AWS, no GitHub API, no comment.
 */
import * as core from '@actions/core';
import type { Settings } from '../inputs.js';
import { neutralize } from '../safe-text.js';
import { checkChanges } from './changed-files.js';
import { code, prose } from '../plan/md.js';
import { writeSummary } from './status.js';

export async function checkChangesFlow(s: Settings, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const result = await checkChanges({
    dir: s.dir,
    configPath: s.configPath,
    eventName: s.eventName,
    payload: s.payload,
    workflowRef: env.GITHUB_WORKFLOW_REF,
    repository: `${s.repo.owner}/${s.repo.repo}`,
  });
  core.setOutput('iam-changed', String(result.changed));
  core.info(neutralize(`IAM files changed: ${result.changed} (${result.reason}).`));
  for (const f of result.files) core.info(neutralize(`  ${f}`));
  await writeSummary(
    result.changed
      ? [
          '### iam-gitops: IAM files changed, the plan runs',
          '',
          ...result.files.map((f) => `- ${code(f)}`),
          ...(result.files.length ? [] : [`The plan runs because ${prose(result.reason)}.`]),
        ].join('\n')
      : `### iam-gitops: no IAM changes\n\nNo plan is needed: ${prose(result.reason)}.`,
  );
}
