/**
 * The job summary: the full report (every user, diff and fix), which the comment points to when
 * trimmed. GitHub accepts up to 1 MiB per step; beyond that it drops to the compact tier.
 */
import { maskEmails } from './mask.js';
import { renderReport, type ReportInput } from './render-markdown.js';
import type { Tier } from './sections.js';
import { buildView } from './view.js';

export const SUMMARY_LIMIT = 1024 * 1024;

export function renderSummary(input: ReportInput, limit = SUMMARY_LIMIT): { markdown: string; tier: Tier } {
  const view = buildView(input.plan);
  for (const tier of ['full', 'compact', 'summary'] as const) {
    const markdown = maskEmails(
      renderReport(
        { ...input, fullReportHint: input.fullReportHint ?? 'the JSON plan (`plan --format json`)' },
        tier,
        view,
      ),
    );
    // Byte length: the 1 MiB limit is on the file GitHub reads.
    if (Buffer.byteLength(markdown) <= limit || tier === 'summary') return { markdown, tier };
  }
  throw new Error('unreachable');
}
