/** Shared by the monitoring tests: a config, and a tiny in-order runner standing in for the executor. */
import type { ApplyContext, OperationHandler, OperationOutcome } from '../../../src/apply/types.js';
import type { AwsClients } from '../../../src/aws/clients.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import type { DesiredState, MonitoringConfig } from '../../../src/model/desired.js';
import type { ChangeType, Operation } from '../../../src/model/plan.js';

export function monitoringConfig(over: Partial<MonitoringConfig> = {}): MonitoringConfig {
  return { ...defaultConfig().monitoring, alarmEmails: ['secops@example.com'], ...over };
}

export function applyContext(clients: AwsClients, log: string[] = []): ApplyContext {
  return {
    clients,
    accountId: '123456789012',
    region: clients.region,
    desired: {} as DesiredState,
    maskSecret: () => undefined,
    log: (m) => log.push(m),
  };
}

/** Runs operations in plan order, checking that each one's dependencies ran first. */
export async function runOperations(
  ops: Operation[],
  handlers: Partial<Record<ChangeType, OperationHandler>>,
  ctx: ApplyContext,
): Promise<Map<string, OperationOutcome>> {
  const done = new Map<string, OperationOutcome>();
  for (const op of ops) {
    for (const dep of op.dependsOn) {
      if (!done.has(dep)) throw new Error(`${op.id} runs before its dependency ${dep}`);
    }
    const handler = handlers[op.type];
    if (!handler) throw new Error(`no handler for ${op.type}`);
    done.set(op.id, await handler(op, ctx));
  }
  return done;
}
