/** Whether the files describe many accounts: only then do the flows plan and gate per account section. */
import type { Config } from '../model/desired.js';

export function isMultiAccount(config: Pick<Config, 'accounts' | 'organization'>): boolean {
  return config.accounts.length > 0 || config.organization !== null;
}
