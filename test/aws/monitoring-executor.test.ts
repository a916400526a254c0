/**
 * The baseline through the real executor (dependency order, 4 at a time): the dependencies the
 * planner declares are enough for concurrent runs, and a failed trail holds back only what needs it.
 */
import { ACCOUNT_ID, REGION } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';
import { applyPlan } from '../../src/apply/executor.js';
import {
  createMonitoringHandlers,
  planMonitoring,
  readMonitoring,
} from '../../src/targets/monitoring/index.js';
import type { Plan } from '../../src/model/plan.js';
import type { ClientPlugin } from '../../src/aws/clients.js';
import { applyContext, monitoringConfig } from '../unit/monitoring/support.js';

const moto = useMoto();

const ctx = { accountId: ACCOUNT_ID, region: REGION, adopt: false };
const asPlan = (changes: Plan['changes']): Plan => ({
  hash: 'test',
  changes,
  findings: [],
  stats: { awsCalls: {} },
  errors: [],
  offline: false,
  accountId: ACCOUNT_ID,
});

test('applied concurrently by the executor, the baseline converges', async () => {
  const c = moto.clients();
  const config = monitoringConfig({ alarmEmails: ['a@example.com', 'b@example.com'] });
  const planned = planMonitoring(config, await readMonitoring(c, config, ACCOUNT_ID), ctx);
  const report = await applyPlan(asPlan(planned.operations), applyContext(c), {
    concurrency: 4,
    handlers: createMonitoringHandlers({ sleep: async () => undefined }),
  });
  expect(report.counts).toEqual({ done: 41, 'already-done': 0, failed: 0, skipped: 0 });
  const again = planMonitoring(config, await readMonitoring(moto.clients(), config, ACCOUNT_ID), ctx);
  expect(again).toMatchObject({ operations: [], errors: [] });
  // Everything that was created is now reported as unchanged.
  expect(again.unchanged).toBe(planned.operations.length);
});

test('a trail that cannot be created skips the filters and alarms, not the topic', async () => {
  const refuse: ClientPlugin = (client, service) => {
    if (service !== 'cloudtrail') return;
    client.middlewareStack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any, context: any) => async (args: any) => {
        if (context.commandName === 'CreateTrailCommand') {
          throw Object.assign(new Error('role not usable'), {
            name: 'InvalidCloudWatchLogsRoleArnException',
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'refuseRole' },
    );
  };
  const c = moto.clients({ plugins: [refuse] });
  const config = monitoringConfig();
  const planned = planMonitoring(config, await readMonitoring(c, config, ACCOUNT_ID), ctx);
  const report = await applyPlan(asPlan(planned.operations), applyContext(c), {
    handlers: createMonitoringHandlers({ sleep: async () => undefined, roleRetryDelaysMs: [1, 1] }),
  });
  const status = (id: string) => report.results.find((r) => r.id === id)?.status;
  expect(status('trail:iam-gitops')).toBe('failed');
  expect(report.results.find((r) => r.id === 'trail:iam-gitops')?.error).toMatch(/role not usable/);
  expect(status('topic:iam-gitops-alarms')).toBe('done');
  expect(status('subscription:secops@example.com')).toBe('done');
  const held = report.results.filter((r) => r.type === 'metric-filter' || r.type === 'alarm');
  expect(held).toHaveLength(34);
  expect(held.every((r) => r.status === 'skipped')).toBe(true);
  // Three attempts at CreateTrail (two backoffs), and nothing written that needs the trail.
  expect(c.calls.calls.filter((x) => x.operation === 'CreateTrail')).toHaveLength(3);
  expect(c.calls.calls.filter((x) => x.operation === 'PutMetricFilter')).toHaveLength(0);
  expect(c.calls.calls.filter((x) => x.operation === 'PutMetricAlarm')).toHaveLength(0);
});
