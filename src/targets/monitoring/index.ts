/** The monitoring baseline as desired state: read, planned and applied like IAM resources. */
import type { AwsClients } from '../../aws/clients.js';
import type { MonitoringConfig } from '../../model/desired.js';
import type { Operation } from '../../model/plan.js';
import type { OperationHandler } from '../../apply/types.js';
import { readMonitoring as read } from './read.js';
import { planMonitoring as plan, type MonitoringPlan } from './plan.js';
import { createMonitoringHandlers } from './handlers/index.js';

export type { ActualMonitoring } from './actual.js';
export type { Drift, MonitoringPlan } from './plan.js';
export { createMonitoringHandlers } from './handlers/index.js';

/** Reads the baseline's resources (opaque to the IAM planner; stored in ActualState.monitoring). */
export async function readMonitoring(
  clients: AwsClients,
  config: MonitoringConfig,
  accountId: string,
): Promise<unknown> {
  return read(clients, config, accountId);
}

/**
 * Operations that bring the account to the baseline, and how many of its resources are already as
 * desired; nothing when monitoring is disabled.
 */
export function planMonitoring(
  config: MonitoringConfig,
  actual: unknown,
  ctx: { accountId: string; region: string; adopt: boolean },
): MonitoringPlan {
  return plan(config, actual, ctx);
}

/** Executor handlers for the monitoring operation types. */
export const monitoringHandlers: Partial<Record<Operation['type'], OperationHandler>> =
  createMonitoringHandlers();
