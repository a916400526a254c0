/**
 * What the GitHub flows need from the rest of the tool, as one interface: the engine wires the
 * real modules (src/github/engine.ts), tests may pass their own.
 */
import type { AwsClients } from '../aws/clients.js';
import type { LoadResult } from '../desired/index.js';
import type { PlanRun, PlanRunOptions } from '../pipeline.js';
import type { GitHubApi } from './api.js';
import type { BlastRadius } from '../plan/blast.js';
import type { ApprovalsInput } from '../plan/first-screen.js';
import type { GateSettings } from '../config/gate.js';
import type { DesiredState } from '../model/desired.js';
import type { ResolvedAccount } from '../model/accounts.js';
import type { Purpose } from '../accounts/credentials.js';
import type { MultiPlanRun } from '../pipeline-accounts.js';

export type OkRun = Extract<PlanRun, { ok: true }>;

export interface ApplyOutcome {
  ok: boolean;
  createdUsers: string[];
  deletedUsers: string[];
  /** Welcome mail per created user: `sent`, `failed: …`, `skipped: …`. */
  mail: Record<string, string>;
  /** The apply report as markdown (comment and summary). Never holds secrets. */
  markdown: string;
  /** Why the apply failed, when it did. */
  error?: string;
}

export interface RenderOptions {
  /** Characters the report may use (the comment's limit minus our header and status). */
  budget: number;
  head: string;
  base: string;
  plannedAt: string;
  /** `drift` words the report as drift of the live account from the files. */
  kind?: 'plan' | 'drift';
  /** Set when the plan was made against an empty account: why. */
  offlineReason: string | null;
  /** The level of findings that fails the check, from the settings in force. */
  failOn?: 'error' | 'warning' | 'never';
  /** This pull request's changes to its own gate settings, described. */
  gateChanges?: string[];
  /** Base → head permission changes; or why they are not shown. */
  blast?: BlastRadius;
  blastNote?: string;
  approvals?: ApprovalsInput;
}

export type { Purpose } from '../accounts/credentials.js';
/** A plan over the accounts of the run (runPlanAccounts). */
export type MultiRun = MultiPlanRun;
export type OkMultiRun = Extract<MultiRun, { ok: true }>;

export interface AccountOutcome {
  account: string;
  accountId: string;
  outcome: ApplyOutcome;
}

/** The multi-account side of the engine (src/github/engine-accounts.ts). */
export interface AccountsEngine {
  /**
   * The accounts of this run (declared, and found with `organization:`): `problems` fail the check
   * (an unknown name, a name two accounts share), `warnings` are likely mistakes that still plan
   * (an exclude entry that matches no account), `notes` only inform (discovery skipped offline).
   */
  resolve(
    desired: DesiredState,
    purpose: Purpose,
    offline: boolean,
  ): Promise<{ accounts: ResolvedAccount[]; problems: string[]; warnings?: string[]; notes?: string[] }>;
  /** Plans `only` these accounts (all when absent), each with its own clients for `purpose`. */
  plan(opts: {
    loaded: LoadResult;
    gate?: GateSettings;
    accounts: ResolvedAccount[];
    only?: string[];
    offline: boolean;
    purpose: Purpose;
  }): Promise<MultiRun>;
  /** Applies the named accounts' plans of `run`, at most a few accounts at once; one account's failure stops no other. */
  apply(run: OkMultiRun, accounts: string[]): Promise<AccountOutcome[]>;
  /** One account's clients (cached): the account report of the scheduled run reads with them. */
  clients(account: ResolvedAccount, purpose: Purpose): Promise<AwsClients>;
}

export interface Deps {
  api: GitHubApi;
  runPlan(opts: PlanRunOptions): Promise<PlanRun>;
  /** The files, validated — read before AWS is touched. */
  loadDesired(dir: string, configPath: string): Promise<LoadResult>;
  /** The plan report for the comment, shrunk by tiers to fit `opts.budget`. */
  renderComment(run: OkRun, opts: RenderOptions): { markdown: string; truncated: boolean };
  renderSummary(run: OkRun, opts: RenderOptions): string;
  /** Clients for a role through GitHub OIDC, or the ambient credentials when role is null. */
  awsClients(role: string | null, region: string, sesRegion?: string): Promise<AwsClients>;
  applyPlan(run: OkRun, clients: AwsClients): Promise<ApplyOutcome>;
  /** Multi-account repositories (`accounts:` or `organization:`); absent: single-account only. */
  accounts?: AccountsEngine;
  now(): Date;
}
