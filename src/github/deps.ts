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
  now(): Date;
}
