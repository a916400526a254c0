/** Lines on the monitoring baseline's unchanged and pending resources, for every plan renderer. Pure. */
import type { ChangeType, PendingSubscription, Plan } from '../model/plan.js';
import { code } from './md.js';
import { plural } from './view.js';

/** The order a reader knows the baseline in: where events go, then what watches them. */
const ORDER: Array<[ChangeType, string, string]> = [
  ['trail', 'trail', 'trails'],
  ['bucket', 'bucket', 'buckets'],
  ['kms-key', 'KMS key', 'KMS keys'],
  ['log-group', 'log group', 'log groups'],
  ['role', 'role', 'roles'],
  ['topic', 'topic', 'topics'],
  ['subscription', 'subscription', 'subscriptions'],
  ['metric-filter', 'metric filter', 'metric filters'],
  ['alarm', 'alarm', 'alarms'],
];

export type LineFormat = 'markdown' | 'text';

/**
 * `Monitoring baseline: 40 resources unchanged (trail, bucket, …, 17 alarms).`, or that the
 * baseline is disabled, then the subscriptions still pending confirmation on their own line;
 * empty when the plan has no word on it, nothing of it is unchanged and nothing is pending.
 */
export function monitoringUnchangedLine(plan: Plan, format: LineFormat = 'markdown'): string {
  const m = plan.unchanged?.monitoring;
  if (!m) return '';
  if (!m.enabled) return 'Monitoring baseline: disabled (monitoring.enabled is false in iam-gitops.yml).';
  const lines: string[] = [];
  if (m.count > 0) {
    const kinds = ORDER.filter(([type]) => (m.byType[type] ?? 0) > 0).map(([type, one, many]) => {
      const n = m.byType[type]!;
      return n === 1 ? one : `${n} ${many}`;
    });
    lines.push(`Monitoring baseline: ${plural(m.count, 'resource')} unchanged (${kinds.join(', ')}).`);
  }
  const pending = pendingSubscriptionsLine(m.pending ?? [], format);
  if (pending) lines.push(pending);
  return lines.join(format === 'markdown' ? '\n\n' : '\n');
}

/**
 * `Alarm subscriptions pending confirmation (2): a***@example.com, b***@example.com. …`; empty
 * when none. Addresses arrive masked; in markdown each is a code span, since the mask's `***`
 * would otherwise pair up into emphasis.
 */
export function pendingSubscriptionsLine(
  pending: readonly PendingSubscription[],
  format: LineFormat = 'markdown',
): string {
  if (pending.length === 0) return '';
  const show = (p: PendingSubscription) =>
    // The address of a removed subscription comes from AWS, not from the reviewed files: one line, always.
    (format === 'markdown' ? code(oneLine(p.address)) : oneLine(p.address)) +
    (p.removed
      ? ' (removed from alarmEmails: an unconfirmed subscription cannot be deleted; AWS drops it after 3 days)'
      : '');
  return (
    `Alarm subscriptions pending confirmation (${pending.length}): ${pending.map(show).join(', ')}. ` +
    'Alarms reach an address only once it follows the link in the mail from AWS Notifications.'
  );
}

// Controls (newlines included), line separators and bidi overrides.
// eslint-disable-next-line no-control-regex
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;
const oneLine = (s: string) => s.replace(BREAKS, ' ');

/**
 * After an apply: the addresses still pending, whether the plan found them pending or this apply
 * subscribed them just now (the subscription handler notes `PendingConfirmation`).
 */
export function pendingAfterApply(
  plan: Plan,
  results: ReadonlyArray<{ type: ChangeType; action: string; name: string; note?: string }>,
): PendingSubscription[] {
  const out = [...(plan.unchanged?.monitoring?.pending ?? [])];
  for (const r of results) {
    if (r.type === 'subscription' && r.action !== 'delete' && r.note?.endsWith(': PendingConfirmation')) {
      out.push({ address: r.name });
    }
  }
  return out;
}
