/** Metric filters (self-tested before any write) and their alarms. */
import { PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import type { OperationHandler } from '../../apply/types.js';
import type { DesiredAlarm, DesiredFilter } from '../desired.js';
import { ALL_FILTERS } from '../filters.js';
import { describeFailures, selfTestPattern, selfTestPatterns } from '../self-test.js';
import { detailsOf } from './util.js';
import { MANAGED_TAG } from '../../model/desired.js';

let shippedFailures: string[] | undefined;
/** The shipped patterns are constants: one self-test per process, not one per filter written. */
const shippedSelfTest = () => (shippedFailures ??= describeFailures(selfTestPatterns(ALL_FILTERS).results));

export const metricFilterHandler: OperationHandler = async (op, ctx) => {
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

export const alarmHandler: OperationHandler = async (op, ctx) => {
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
