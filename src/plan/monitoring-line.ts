/** One line on the monitoring baseline's unchanged resources, for every plan renderer. Pure. */
import type { ChangeType, Plan } from '../model/plan.js';
import { plural } from './view.js';

/** The order a reader knows the baseline in: where events go, then what watches them. */
const ORDER: Array<[ChangeType, string, string]> = [
  ['trail', 'trail', 'trails'],
  ['bucket', 'bucket', 'buckets'],
  ['log-group', 'log group', 'log groups'],
  ['role', 'role', 'roles'],
  ['topic', 'topic', 'topics'],
  ['subscription', 'subscription', 'subscriptions'],
  ['metric-filter', 'metric filter', 'metric filters'],
  ['alarm', 'alarm', 'alarms'],
];

/**
 * `Monitoring baseline: 40 resources unchanged (trail, bucket, …, 17 alarms).`, or that the
 * baseline is disabled; empty when the plan has no word on it or nothing of it is unchanged.
 */
export function monitoringUnchangedLine(plan: Plan): string {
  const m = plan.unchanged?.monitoring;
  if (!m) return '';
  if (!m.enabled) return 'Monitoring baseline: disabled (monitoring.enabled is false in iam-gitops.yml).';
  if (m.count === 0) return '';
  const kinds = ORDER.filter(([type]) => (m.byType[type] ?? 0) > 0).map(([type, one, many]) => {
    const n = m.byType[type]!;
    return n === 1 ? one : `${n} ${many}`;
  });
  return `Monitoring baseline: ${plural(m.count, 'resource')} unchanged (${kinds.join(', ')}).`;
}
