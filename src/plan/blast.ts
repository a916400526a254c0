/**
 * The blast radius of a change: the lint's per-user base → head permission diff (src/lint/diff.ts)
 * summed up by action and by cause, so a reviewer reads "75 users gain iam:PassRole via group
 * developers" instead of 75 user rows. Pure; the result has a stable key and element order, for
 * `plan --format json`.
 */
import type { AccessLevel } from '../catalog/actions.js';
import { compactByLevel, LEVELS, type ByLevel, type LintDiff } from '../lint/diff.js';
import { Principal } from '../lint/effective.js';
import { groupPolicies, resolveRef } from '../lint/policies.js';
import type { DesiredState, DesiredUser } from '../model/desired.js';
import type { Finding } from '../model/finding.js';
import type { LocatedPolicy } from '../model/policy.js';
import { canonicalJson } from './canonical.js';

export interface BlastEntry {
  /** `service:Action`, `service:*` (the whole service) or `*`. */
  action: string;
  level: AccessLevel;
  users: number;
  /**
   * Permissions management, a whole-account or IAM/STS/Organizations wildcard, or an action that a
   * new privilege finding names (iam:PassRole on `*`): shown by name on the first screen.
   */
  sensitive: boolean;
  /** What brings it, most users first: `group developers`, `policy dev-s3`, `deletion`. */
  via: string[];
}

export interface BlastSource {
  via: string;
  /** Users that gain (lose) at least one action through it. */
  usersGaining: number;
  usersLosing: number;
  /** Distinct actions gained (lost) through it, per access level, in LEVELS order. */
  gained: Partial<Record<AccessLevel, number>>;
  lost: Partial<Record<AccessLevel, number>>;
}

/** A new finding that grants privilege: admin, an escalation path, PassRole to everything. */
export interface NewPrivilege {
  rule: string;
  /** What the finding is about. */
  kind: 'user' | 'policy' | 'file';
  name: string;
  actions: string[];
}

export interface BlastRadius {
  usersGaining: number;
  usersLosing: number;
  /** Sensitive first, then by users (most first), access level and action. */
  gained: BlastEntry[];
  lost: BlastEntry[];
  /** Sorted by users reached, then name. */
  sources: BlastSource[];
  newPrivilege: NewPrivilege[];
}

/** Rules whose new findings mean that someone gains privilege, not merely a style problem. */
export const PRIVILEGE_RULES = new Set([
  'admin-access',
  'service-admin',
  'risky-managed-policy',
  'privilege-escalation',
  'passrole-star',
  'permissions-management-unscoped',
]);

const ADMIN_WILDCARDS = new Set(['*', 'iam:*', 'sts:*', 'organizations:*']);

/** Permissions management (who may grant what), admin wildcards and flagged actions, by name. */
function isSensitive(action: string, level: AccessLevel, flagged: ReadonlySet<string>): boolean {
  return (
    level === 'Permissions management' || ADMIN_WILDCARDS.has(action) || flagged.has(action.toLowerCase())
  );
}

type Sources = Map<string, LocatedPolicy[]>;

/** The user's grants by where they come from: each group, each directly attached policy. */
function sourcesOf(state: DesiredState, u: DesiredUser | undefined): Sources {
  const out: Sources = new Map();
  if (!u) return out;
  for (const g of u.groups) out.set(`group ${g}`, groupPolicies(state, g));
  for (const r of u.policies) {
    const p = resolveRef(state, r);
    if (p) out.set(`policy ${p.name}`, [p]);
  }
  return out;
}

const docs = (ps: LocatedPolicy[] | undefined): string =>
  canonicalJson((ps ?? []).map((p) => [p.name, p.document]));

/** The sources in `to` that are new or different compared with `from` (for the same user). */
function changedSources(to: Sources, from: Sources): string[] {
  return [...to.keys()].filter((k) => docs(to.get(k)) !== docs(from.get(k)));
}

/** Does a compacted action list (`svc:Action`, `svc:*`, `*`) cover `action`? */
function covers(names: Set<string>, action: string): boolean {
  if (names.has('*') || names.has(action)) return true;
  const svc = action.split(':')[0]!;
  return names.has(`${svc}:*`);
}

interface Tally {
  level: AccessLevel;
  users: number;
  via: Map<string, number>;
}

/**
 * `headFindings`: the head's findings; the actions of its privilege findings are shown by name
 * wherever someone gains them (a PassRole on `*` that existed unused in the base is news to the
 * users who now get it). Default: only the findings new in the head.
 */
export function blastRadius(
  base: DesiredState,
  head: DesiredState,
  diff: LintDiff,
  now: number,
  headFindings: Finding[] = diff.newFindings,
): BlastRadius {
  const baseUsers = new Map(base.users.map((u) => [u.name, u]));
  const headUsers = new Map(head.users.map((u) => [u.name, u]));
  // Each source's grants, computed once per tree: 75 members of one group cost one evaluation.
  const namesCache = new Map<string, Set<string>>();
  const namesOf = (tree: string, label: string, policies: LocatedPolicy[]): Set<string> => {
    const key = `${tree}\u0000${label}\u0000${docs(policies)}`;
    let hit = namesCache.get(key);
    if (!hit) {
      const by = compactByLevel(new Principal(label, policies, now).allowedActions());
      namesCache.set(key, (hit = new Set(LEVELS.flatMap((l) => by[l] ?? []))));
    }
    return hit;
  };
  const gained = new Map<string, Tally>();
  const lost = new Map<string, Tally>();
  const sources = new Map<
    string,
    { gaining: Set<string>; losing: Set<string>; gained: ByLevel; lost: ByLevel }
  >();
  const source = (via: string) => {
    let s = sources.get(via);
    if (!s) sources.set(via, (s = { gaining: new Set(), losing: new Set(), gained: {}, lost: {} }));
    return s;
  };

  const tally = (
    into: Map<string, Tally>,
    user: string,
    by: ByLevel,
    causes: Array<[string, Set<string>]>,
    side: 'gained' | 'lost',
  ): void => {
    // A whole service (`svc:*`) is listed under each level it has actions in: count it once.
    const seen = new Set<string>();
    for (const level of LEVELS) {
      for (const action of by[level] ?? []) {
        if (seen.has(action)) continue;
        seen.add(action);
        let via = causes.filter(([, names]) => covers(names, action)).map(([label]) => label);
        if (via.length === 0) via = causes.length ? causes.map(([label]) => label) : ['changed policies'];
        let t = into.get(action);
        if (!t) into.set(action, (t = { level, users: 0, via: new Map() }));
        t.users++;
        for (const v of via) {
          t.via.set(v, (t.via.get(v) ?? 0) + 1);
          const s = source(v);
          (side === 'gained' ? s.gaining : s.losing).add(user);
          const list = (s[side][level] ??= []);
          list.push(action);
        }
      }
    }
  };

  for (const d of diff.users) {
    const b = sourcesOf(base, baseUsers.get(d.user));
    const h = sourcesOf(head, headUsers.get(d.user));
    if (d.gainedCount) {
      const causes = changedSources(h, b).map((l): [string, Set<string>] => [
        l,
        namesOf('head', l, h.get(l)!),
      ]);
      tally(gained, d.user, d.gained, causes, 'gained');
    }
    if (d.lostCount) {
      const causes: Array<[string, Set<string>]> =
        d.change === 'removed'
          ? [['deletion', new Set(['*'])]]
          : changedSources(b, h).map((l) => [l, namesOf('base', l, b.get(l)!)]);
      tally(lost, d.user, d.lost, causes, 'lost');
    }
  }

  const flagged = new Set(
    headFindings
      .filter((f) => PRIVILEGE_RULES.has(f.rule))
      .flatMap((f) => f.actions.map((a) => a.toLowerCase())),
  );
  const rank = (l: AccessLevel): number => LEVELS.indexOf(l);
  const entries = (m: Map<string, Tally>): BlastEntry[] =>
    [...m]
      .map(([action, t]) => ({
        action,
        level: t.level,
        users: t.users,
        sensitive: isSensitive(action, t.level, flagged),
        via: [...t.via].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([v]) => v),
      }))
      .sort(
        (x, y) =>
          Number(y.sensitive) - Number(x.sensitive) ||
          y.users - x.users ||
          rank(x.level) - rank(y.level) ||
          (x.action < y.action ? -1 : x.action > y.action ? 1 : 0),
      );
  const perLevel = (by: ByLevel): Partial<Record<AccessLevel, number>> => {
    const out: Partial<Record<AccessLevel, number>> = {};
    for (const l of LEVELS) if (by[l]?.length) out[l] = new Set(by[l]).size;
    return out;
  };
  const newPrivilege = diff.newFindings
    .filter((f) => PRIVILEGE_RULES.has(f.rule))
    .map((f: Finding) => ({
      rule: f.rule,
      kind: f.user ? ('user' as const) : f.policy ? ('policy' as const) : ('file' as const),
      name: f.user ?? f.policy ?? f.file,
      actions: [...f.actions].sort(),
    }));
  return {
    usersGaining: new Set([...sources.values()].flatMap((s) => [...s.gaining])).size,
    usersLosing: new Set([...sources.values()].flatMap((s) => [...s.losing])).size,
    gained: entries(gained),
    lost: entries(lost),
    sources: [...sources]
      .map(([via, s]) => ({
        via,
        usersGaining: s.gaining.size,
        usersLosing: s.losing.size,
        gained: perLevel(s.gained),
        lost: perLevel(s.lost),
      }))
      .sort(
        (x, y) =>
          Math.max(y.usersGaining, y.usersLosing) - Math.max(x.usersGaining, x.usersLosing) ||
          (x.via < y.via ? -1 : x.via > y.via ? 1 : 0),
      ),
    newPrivilege,
  };
}
