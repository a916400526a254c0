/**
 * Lint of what is live (ActualState + DesiredState → findings, no AWS calls), for `drift` and a
 * later `report`:
 * - each of the repository's customer managed policies whose live default version grants more
 *   than its file (widened out of band) gets `live-policy-widened`, naming the new actions;
 * - each user the repository does not manage is judged on its combined live permissions:
 *   administrator access or an open escalation path is `unmanaged-user-admin` /
 *   `unmanaged-user-escalation`, both errors.
 */
import { actionById } from '../catalog/actions.js';
import { globCovers } from '../catalog/wildcard.js';
import type { ActualPolicy, ActualState, ActualUser } from '../model/actual.js';
import { MANAGED_TAG, type DesiredState } from '../model/desired.js';
import type { Finding } from '../model/finding.js';
import type { LocatedPolicy } from '../model/policy.js';
import { listNames } from './context.js';
import {
  cancellingDenies,
  effectiveActions,
  prepareStatements,
  Principal,
  type PreparedStatement,
} from './effective.js';
import { normalizeIamPath, openPaths } from './escalation.js';
import { managedLocated } from './policies.js';
import { isAdministrator } from './rules/escalation.js';

export interface LiveLintOptions {
  /** "Now" for date conditions (milliseconds); default: the time of the call. */
  now?: number;
}

/** A live policy as a LocatedPolicy without a file (findings point at its ARN or its file). */
function located(p: ActualPolicy, file: string | null = null): LocatedPolicy {
  return { name: p.name, file, arn: p.arn, document: p.document, statementPositions: [], valuePositions: [] };
}

/** Actions the live statements allow on resources (or without conditions) that no Allow of the file covers, with those resources. */
function widened(
  live: readonly PreparedStatement[],
  file: readonly PreparedStatement[],
): Map<number, Set<string>> {
  const liveDenies = cancellingDenies(live);
  const fileDenies = cancellingDenies(file);
  const fileAllows = file
    .filter((s) => s.effect === 'Allow')
    .map((s) => ({ s, ids: effectiveActions(s, fileDenies) }));
  const out = new Map<number, Set<string>>();
  for (const s of live) {
    if (s.effect !== 'Allow') continue;
    const resources = s.notResource ? ['NotResource ' + s.resources.join(', ')] : s.resources;
    for (const id of effectiveActions(s, liveDenies)) {
      const covered = fileAllows.some(
        ({ s: f, ids }) =>
          ids.has(id) &&
          (f.notResource
            ? s.notResource && f.resources.every((r) => s.resources.includes(r))
            : !s.notResource && s.resources.every((r) => f.resources.some((fr) => globCovers(fr, r)))) &&
          // A condition in the file that the live statement dropped is a widening too.
          (f.cond.status === 'always' ||
            JSON.stringify(f.stmt.Condition) === JSON.stringify(s.stmt.Condition)),
      );
      if (covered) continue;
      let set = out.get(id);
      if (!set) out.set(id, (set = new Set()));
      for (const r of resources) set.add(r);
    }
  }
  return out;
}

function widenedPolicyFindings(desired: DesiredState, actual: ActualState, now: number): Finding[] {
  const path = normalizeIamPath(desired.config.path);
  const out: Finding[] = [];
  for (const p of desired.policies) {
    const live = actual.policies.find((a) => a.name === p.name && normalizeIamPath(a.path) === path);
    if (!live || !p.file) continue;
    const diff = widened(prepareStatements(located(live), now), prepareStatements(p, now));
    if (!diff.size) continue;
    const names = [...diff.keys()].map((id) => actionById(id).name).sort();
    const lines = names.slice(0, 20).map((n) => {
      const id = [...diff.keys()].find((k) => actionById(k).name === n)!;
      return `+ ${n} on ${[...diff.get(id)!].join(', ')}`;
    });
    if (names.length > 20) lines.push(`+ … and ${names.length - 20} more`);
    // The live document is linted as the file would be: escalation paths it opens that the file did not.
    const before = new Set(
      openPaths(new Principal(p.name, [p], now, [], { iamPath: path })).map((r) => r.path.id),
    );
    const opened = openPaths(
      new Principal(p.name, [located(live, p.file)], now, [], { iamPath: path }),
    ).filter((r) => r.path.kind === 'escalation' && r.reach === 'broad' && !before.has(r.path.id));
    const paths = opened.length
      ? ` It now opens ${opened.map((r) => `${r.steps.map((x) => x.action.name).join(' + ')} (${r.path.id}, ${r.path.title})`).join('; ')}.`
      : '';
    out.push({
      rule: 'live-policy-widened',
      severity: 'error',
      file: p.file,
      line: 1,
      policy: p.name,
      actions: names,
      message: `The live default version (${live.defaultVersionId}) of ${live.arn} grants ${names.length} action${names.length === 1 ? '' : 's'} the file does not: ${listNames(names)}. It was changed outside this repository.${paths}\n${lines.join('\n')}`,
      fix: `Review who changed ${live.arn} (CloudTrail CreatePolicyVersion / SetDefaultPolicyVersion); \`apply\` restores the file's document as a new default version. If the change is wanted, put it in ${p.file} through a pull request.`,
    });
  }
  return out;
}

function isManaged(u: ActualUser, desired: DesiredState): boolean {
  return u.tags[MANAGED_TAG.key] === MANAGED_TAG.value || desired.users.some((d) => d.name === u.name);
}

/** The live policies a user gets (attached to it and to its groups); ARNs nobody can read offline are listed. */
function livePolicies(u: ActualUser, actual: ActualState): { policies: LocatedPolicy[]; unknown: string[] } {
  const arns = new Set(u.attachedPolicyArns);
  for (const g of u.groups)
    for (const a of actual.groups.find((x) => x.name === g)?.attachedPolicyArns ?? []) arns.add(a);
  const policies: LocatedPolicy[] = [];
  const unknown: string[] = [];
  for (const arn of arns) {
    const local = actual.policies.find((p) => p.arn === arn);
    const p = local ? locatedCache(local) : managedLocated(arn);
    if (p) policies.push(p);
    else unknown.push(arn);
  }
  return { policies, unknown };
}

const locatedByPolicy = new WeakMap<ActualPolicy, LocatedPolicy>();
function locatedCache(p: ActualPolicy): LocatedPolicy {
  let l = locatedByPolicy.get(p);
  if (!l) locatedByPolicy.set(p, (l = located(p)));
  return l;
}

function unmanagedUserFindings(desired: DesiredState, actual: ActualState, now: number): Finding[] {
  const out: Finding[] = [];
  const verdicts = new Map<string, { admin: boolean; paths: ReturnType<typeof openPaths> }>();
  for (const u of actual.users) {
    if (isManaged(u, desired)) continue;
    const { policies, unknown } = livePolicies(u, actual);
    if (!policies.length) continue;
    // Users with the same policies share one analysis (accounts often hold many alike).
    const key = policies
      .map((p) => p.arn)
      .sort()
      .join('|');
    let v = verdicts.get(key);
    if (!v) {
      const principal = new Principal(u.name, policies, now);
      const admin = isAdministrator(principal);
      v = { admin, paths: admin ? [] : openPaths(principal) };
      verdicts.set(key, v);
    }
    const from = policies.map((p) => p.name).join(', ');
    const inline = u.inlinePolicyNames.length
      ? ` Its inline policies (${u.inlinePolicyNames.join(', ')}) were not read and may grant more.`
      : '';
    const missing = unknown.length ? ` Unknown offline: ${unknown.join(', ')}.` : '';
    const base = { file: u.arn || `user/${u.name}`, line: 0, user: u.name, policy: from };
    const fix = `This user is not managed by the repository. Remove the policies that grant this, or bring the user under management (a row in users/*.csv) so its access is reviewed.`;
    if (v.admin) {
      out.push({
        ...base,
        rule: 'unmanaged-user-admin',
        severity: 'error',
        actions: ['*'],
        message: `Unmanaged user ${u.name} has administrator access (\`*\` on \`*\`) through ${from}.${inline}${missing}`,
        fix,
      });
      continue;
    }
    const sure = v.paths.filter((r) => r.path.kind === 'escalation' && r.reach === 'broad' && !r.conditional);
    for (const r of sure) {
      out.push({
        ...base,
        rule: 'unmanaged-user-escalation',
        severity: 'error',
        actions: r.steps.map((s) => s.action.name),
        message: `Unmanaged user ${u.name} can escalate with ${r.steps.map((s) => s.action.name).join(' + ')} from ${from} (${r.path.id}, ${r.path.title}): ${r.path.how}.${inline}${missing}`,
        fix,
      });
    }
  }
  return out;
}

/** Findings about what is live: widened policies of the repository and risky unmanaged users. */
export function lintLive(desired: DesiredState, actual: ActualState, opts: LiveLintOptions = {}): Finding[] {
  const now = opts.now ?? Date.now();
  return [...widenedPolicyFindings(desired, actual, now), ...unmanagedUserFindings(desired, actual, now)];
}
