/** Metric filters (self-tested before any write) and their alarms. */
import {
  DeleteMetricFilterCommand,
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DeleteAlarmsCommand,
  ListTagsForResourceCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { hasCode, orMissing, tagMap } from '../aws-errors.js';
import type { OperationHandler } from '../../../apply/types.js';
import type { DesiredAlarm, DesiredFilter } from '../desired.js';
import { ALL_FILTERS } from '../filters.js';
import { describeFailures, selfTestPattern, selfTestPatterns } from '../self-test.js';
import { detailsOf } from './util.js';
import { MANAGED_TAG } from '../../../model/desired.js';

let shippedFailures: string[] | undefined;
/** The shipped patterns are constants: one self-test per process, not one per filter written. */
const shippedSelfTest = () => (shippedFailures ??= describeFailures(selfTestPatterns(ALL_FILTERS).results));

interface FilterRemoval {
  filterName: string;
  logGroup: string;
  namespace: string;
}

/**
 * Deletes a filter the config no longer asks for, after reading it again: gone is done; one that
 * now writes another namespace was changed by someone else and is left alone.
 */
const deleteMetricFilter: OperationHandler = async (op, ctx) => {
  const d = detailsOf<FilterRemoval>(op);
  const logs = ctx.clients.logs;
  const found = await orMissing(
    () =>
      logs.send(
        new DescribeMetricFiltersCommand({ logGroupName: d.logGroup, filterNamePrefix: d.filterName }),
      ),
    { metricFilters: [] },
    ['ResourceNotFoundException'],
  );
  const current = (found.metricFilters ?? []).filter((f) => f.filterName === d.filterName);
  if (current.length === 0) return { status: 'already-done', note: 'filter does not exist' };
  const foreign = current.some((f) =>
    (f.metricTransformations ?? []).some((t) => t.metricNamespace !== d.namespace),
  );
  if (foreign) {
    throw new Error(
      `metric filter ${d.filterName} now writes outside namespace ${d.namespace}: not deleted; someone else changed it ` +
        'since the plan. Delete it by hand if it is no longer needed.',
    );
  }
  try {
    await logs.send(new DeleteMetricFilterCommand({ logGroupName: d.logGroup, filterName: d.filterName }));
  } catch (err) {
    if (hasCode(err, 'ResourceNotFoundException')) return { status: 'already-done' };
    throw err;
  }
  return { status: 'done' };
};

export const metricFilterHandler: OperationHandler = async (op, ctx) => {
  if (op.action === 'delete') return deleteMetricFilter(op, ctx);
  const d = detailsOf<DesiredFilter>(op);
  // Every shipped pattern and this one must pass before anything is written.
  const own = selfTestPattern(d.item, d.pattern);
  const failures = [...shippedSelfTest(), ...describeFailures([own])];
  if (failures.length) {
    throw new Error(`refusing to write metric filter ${d.filterName}: ${[...new Set(failures)].join(' | ')}`);
  }
  await ctx.clients.logs.send(
    new PutMetricFilterCommand({
      logGroupName: d.logGroup,
      filterName: d.filterName,
      filterPattern: d.pattern,
      metricTransformations: [
        { metricName: d.metricName, metricNamespace: d.namespace, metricValue: d.metricValue },
      ],
    }),
  );
  return { status: 'done', note: `self-test passed (${own.matched.length} sample records matched)` };
};

/** Deletes an alarm the config no longer asks for, only while it still carries managed-by=iam-gitops. */
const deleteAlarm: OperationHandler = async (op, ctx) => {
  const { alarmName } = detailsOf<{ alarmName: string }>(op);
  const cw = ctx.clients.cloudwatch;
  const arn = `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${alarmName}`;
  const tags = await orMissing(() => cw.send(new ListTagsForResourceCommand({ ResourceARN: arn })), null, [
    'ResourceNotFound',
    'ResourceNotFoundException',
  ]);
  if (!tags) return { status: 'already-done', note: 'alarm does not exist' };
  if (tagMap(tags.Tags)[MANAGED_TAG.key] !== MANAGED_TAG.value) {
    throw new Error(
      `alarm ${alarmName} no longer carries ${MANAGED_TAG.key}=${MANAGED_TAG.value}: not deleted; someone else owns it now`,
    );
  }
  await cw.send(new DeleteAlarmsCommand({ AlarmNames: [alarmName] }));
  return { status: 'done' };
};

export const alarmHandler: OperationHandler = async (op, ctx) => {
  if (op.action === 'delete') return deleteAlarm(op, ctx);
  const d = detailsOf<DesiredAlarm>(op);
  await ctx.clients.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: d.alarmName,
      AlarmDescription: d.description,
      MetricName: d.metricName,
      Namespace: d.namespace,
      Statistic: d.statistic,
      Period: d.period,
      EvaluationPeriods: d.evaluationPeriods,
      Threshold: d.threshold,
      ComparisonOperator: d.comparisonOperator,
      TreatMissingData: d.treatMissingData,
      AlarmActions: d.alarmActions,
      ActionsEnabled: d.actionsEnabled,
      Tags: [{ Key: MANAGED_TAG.key, Value: MANAGED_TAG.value }],
    }),
  );
  return { status: 'done' };
};
