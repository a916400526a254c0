/** The Config most tests start from: the product defaults with a sender and monitoring off. */
import { defaultConfig } from '../../src/config/defaults.js';
import type { Config } from '../../src/model/desired.js';

export function testConfig(over: Partial<Config> = {}): Config {
  const base = defaultConfig();
  return {
    ...base,
    email: { ...base.email, from: 'iam@example.com' },
    // Tests that exercise monitoring turn it on with the alarms they need.
    monitoring: { ...base.monitoring, enabled: false, alarms: [] },
    ...over,
  };
}
