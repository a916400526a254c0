/** The monitoring baseline as desired state: read, planned and applied like IAM resources. */
import type { AwsClients } from '../aws/clients.js';
import type { MonitoringConfig } from '../model/desired.js';
import type { Operation } from '../model/plan.js';
import type { OperationHandler } from '../apply/types.js';

/** Reads the baseline's resources (opaque to the IAM planner; stored in ActualState.monitoring). */
export async function readMonitoring(
  _clients: AwsClients,
  _config: MonitoringConfig,
  _accountId: string,
): Promise<unknown> {
  return null;
}

/** Operations that bring the account to the baseline; none when monitoring is disabled. */
export function planMonitoring(
  _config: MonitoringConfig,
  _actual: unknown,
  _ctx: { accountId: string; region: string; adopt: boolean },
): { operations: Operation[]; errors: string[] } {
  return { operations: [], errors: [] };
}

/** Executor handlers for the monitoring operation types. */
export const monitoringHandlers: Partial<Record<Operation['type'], OperationHandler>> = {};
