/** The executor's handlers for the monitoring operation types. */
import type { OperationHandler } from '../../../apply/types.js';
import type { ChangeType } from '../../../model/plan.js';
import { bucketHandler } from './bucket.js';
import { kmsKeyHandler } from './kms-key.js';
import { logGroupHandler, roleHandler } from './log-group-role.js';
import { alarmHandler, metricFilterHandler } from './metrics.js';
import { subscriptionHandler, topicHandler } from './topic.js';
import { ROLE_PROPAGATION_DELAYS_MS, trailHandler } from './trail.js';
import { realSleep } from '../../../aws/retry.js';
import type { Sleep } from './util.js';

export interface MonitoringHandlerOptions {
  /** Injected so tests need not wait out the role-propagation backoff. */
  sleep?: Sleep;
  roleRetryDelaysMs?: number[];
}

export function createMonitoringHandlers(
  opts: MonitoringHandlerOptions = {},
): Partial<Record<ChangeType, OperationHandler>> {
  return {
    bucket: bucketHandler,
    'kms-key': kmsKeyHandler,
    'log-group': logGroupHandler,
    role: roleHandler,
    trail: trailHandler(opts.sleep ?? realSleep, opts.roleRetryDelaysMs ?? ROLE_PROPAGATION_DELAYS_MS),
    topic: topicHandler,
    subscription: subscriptionHandler,
    'metric-filter': metricFilterHandler,
    alarm: alarmHandler,
  };
}
