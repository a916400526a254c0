/**
 * The GitHub-only parts of reports: validation failures, the offline note, gate refusals, the
 * operation fingerprints a refusal diffs, and the job summary writer. Pure apart from `writeSummary`.
 */
import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Plan } from '../model/plan.js';
import { countChanges } from '../plan/view.js';
import { code, fence, prose } from '../plan/md.js';
import { maskEmails } from '../plan/mask.js';
import { COMMENT_LIMIT } from '../plan/render-markdown.js';

/** The hidden operation list may take at most this much of the comment. */
export const OPS_BUDGET = 6000;
/** The comment's size limit is the renderer's. */
export const COMMENT_BUDGET = COMMENT_LIMIT;

/** `create user alice #1a2b3c4d` per operation, when the list fits in OPS_BUDGET; else undefined. */
export function fingerprints(plan: Plan): string[] | undefined {
  const ops = plan.changes
    .filter((op) => op.action !== 'no-op')
    .map(
      (op) =>
        `${op.action} ${op.type} ${op.name} #` +
        createHash('sha256').update(JSON.stringify(op.details)).digest('hex').slice(0, 8),
    );
  return JSON.stringify(ops).length <= OPS_BUDGET ? ops : undefined;
}

/** What differs between the approved plan and the fresh one, operation by operation. */
export function planDiff(
  approved: { ops?: string[]; counts: { create: number; update: number; delete: number } },
  fresh: Plan,
): string {
  const now = fingerprints(fresh);
  const c = countChanges(fresh.changes);
  const lines: string[] = [
    `| | create | update | delete |`,
    `| --- | --- | --- | --- |`,
    `| approved | ${approved.counts.create} | ${approved.counts.update} | ${approved.counts.delete} |`,
    `| now | ${c.create} | ${c.update} | ${c.delete} |`,
    '',
  ];
  if (approved.ops && now) {
    const was = new Set(approved.ops);
    const is = new Set(now);
    const gone = approved.ops.filter((o) => !is.has(o));
    const added = now.filter((o) => !was.has(o));
    // The fingerprints come from comment metadata, which any workflow can write: fenced, never raw.
    lines.push(fence('diff', [...gone.map((o) => `- ${o}`), ...added.map((o) => `+ ${o}`)].join('\n')));
    lines.push(
      '`-` approved but no longer planned, `+` planned now but never approved (`#` digests the details).',
    );
  } else {
    lines.push(
      'The plans are too large to list operation by operation here; the job summary has the fresh plan.',
    );
  }
  return lines.join('\n');
}

export function diagnosticsMarkdown(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  // File names and messages quote the files (a CSV cell, a header): inert, addresses masked.
  const shown = errors.slice(0, 50).map((d) => {
    const where = d.line > 0 ? `${d.file}:${d.line}${d.col > 0 ? `:${d.col}` : ''}` : d.file;
    return `- ${code(where)} ${prose(d.message)}`;
  });
  if (errors.length > shown.length)
    shown.push(`- … and ${errors.length - shown.length} more in the job summary`);
  return [
    `### ❌ iam-gitops: ${errors.length} validation error${errors.length === 1 ? '' : 's'}`,
    '',
    ...shown,
  ].join('\n');
}

/** Appends markdown to the job summary; a summary failure is reported, never fatal. */
export async function writeSummary(markdown: string): Promise<void> {
  try {
    // A last safety net: no address reaches the summary, whichever path wrote it.
    await core.summary.addRaw(maskEmails(markdown), true).write();
  } catch (err) {
    core.warning(`Could not write the job summary: ${err instanceof Error ? err.message : String(err)}`);
  }
}
