/** Plans over many accounts: one section per account, bound together by one hash. */
import type { Plan } from './plan.js';

/** An account of this run: declared in iam-gitops.yml or found in the organization. */
export interface ResolvedAccount {
  name: string;
  id: string;
  /** Role ARN the plan / apply assume (directly through OIDC, or from the hub); null → the action's own role. */
  planRole: string | null;
  applyRole: string | null;
  region: string | null;
  /** How it became part of the run. */
  origin: 'declared' | 'organization';
}

export interface AccountSection {
  account: string;
  accountId: string;
  /** null when planning this account failed; `error` says why. The other sections still stand. */
  plan: Plan | null;
  error: string | null;
}

export interface MultiPlan {
  /** Binds every section: any section's hash, account or failure changes it. */
  hash: string;
  sections: AccountSection[];
}
