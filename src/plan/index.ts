/** The plan: diff, order, hash and renderers. */
export { diff, type DiffOptions, type DiffResult } from './diff.js';
export { planHash, canonicalPlan, assertNoSecrets } from './hash.js';
export { samePolicy, canonicalJson, semanticPolicy } from './canonical.js';
export {
  renderMarkdown,
  renderReport,
  renderMeta,
  PLAN_MARKER,
  COMMENT_LIMIT,
  type ReportInput,
  type RenderedComment,
} from './render-markdown.js';
export { renderSummary, SUMMARY_LIMIT } from './render-summary.js';
export { renderText } from './render-text.js';
export { renderJson, toPlanJson } from './render-json.js';
export { maskEmail, maskEmails } from './mask.js';
export { buildView, countChanges } from './view.js';
