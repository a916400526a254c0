/** Plain-value builders for apply unit tests. */
import type { ApplyContext } from '../../../src/apply/types.js';
import type { AwsClients } from '../../../src/aws/clients.js';
import type { Config, DesiredState } from '../../../src/model/desired.js';
import type { ChangeAction, ChangeType, Operation, Plan } from '../../../src/model/plan.js';
import { testConfig } from '../../helpers/config.js';

export function op(
  id: string,
  dependsOn: string[] = [],
  type: ChangeType = 'group',
  action: ChangeAction = 'create',
  details: Record<string, unknown> = {},
): Operation {
  // `type:name` ids name the thing acted on, as the planner's do.
  const name = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  return { id, type, action, name, details, dependsOn };
}

export function plan(changes: Operation[], extra: Partial<Plan> = {}): Plan {
  return {
    hash: 'h',
    changes,
    findings: [],
    stats: { awsCalls: {} },
    errors: [],
    offline: false,
    accountId: '123456789012',
    ...extra,
  };
}

export function config(over: Partial<Config> = {}): Config {
  return testConfig(over);
}

export function desired(over: Partial<Config> = {}): DesiredState {
  return { config: config(over), users: [], policies: [] };
}

export interface TestContext extends ApplyContext {
  logs: string[];
  secrets: string[];
}

export function context(
  clients: AwsClients | Record<string, never> = {},
  over: Partial<Config> = {},
): TestContext {
  const logs: string[] = [];
  const secrets: string[] = [];
  return {
    clients: clients as AwsClients,
    accountId: '123456789012',
    region: 'us-east-1',
    desired: desired(over),
    maskSecret: (s) => secrets.push(s),
    log: (m) => logs.push(m),
    logs,
    secrets,
  };
}
