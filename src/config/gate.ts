/**
 * The settings that guard the gate: how many approvals a change needs, how many deletions a plan
 * may hold, whether unmanaged users may be adopted, the lint level that blocks, and the path and
 * boundary the tool confines itself to. A pull request must never loosen them for itself, so on
 * GitHub they are read from the pull request's base commit as well as from its head, and the
 * stricter value is in force for that pull request. Pure.
 */
import { parseDocument } from 'yaml';
import type { Config } from '../model/desired.js';
import { defaultConfig } from './defaults.js';
import { configSchema } from './schema.js';

export type FailOn = Config['lint']['failOn'];

export interface GateSettings {
  requiredApprovals: number;
  maxDeletes: number;
  adopt: boolean;
  /** Paths outside `path` where users, groups and policies may be adopted (with `adopt`). */
  adoptPaths: string[];
  failOn: FailOn;
  path: string;
  permissionsBoundary: string | null;
}

export type GateKey = keyof GateSettings;

/** How each key reads in iam-gitops.yml. */
export const GATE_KEY_LABEL: Record<GateKey, string> = {
  requiredApprovals: 'requiredApprovals',
  maxDeletes: 'maxDeletes',
  adopt: 'adopt',
  adoptPaths: 'adoptPaths',
  failOn: 'lint.failOn',
  path: 'path',
  permissionsBoundary: 'permissionsBoundary',
};

export interface GateChange {
  key: GateKey;
  base: unknown;
  head: unknown;
  /** The value in force for this pull request. */
  effective: unknown;
}

export interface EffectiveGate {
  settings: GateSettings;
  /** Keys whose value the pull request changes, with what is in force meanwhile. */
  changes: GateChange[];
  /** Problems reading the base's settings (then its defaults stand in for the unreadable keys). */
  notes: string[];
}

export function gateSettingsOf(c: Config): GateSettings {
  return {
    requiredApprovals: c.requiredApprovals,
    maxDeletes: c.maxDeletes,
    adopt: c.adopt,
    adoptPaths: [...c.adoptPaths].sort(),
    failOn: c.lint.failOn,
    path: c.path,
    permissionsBoundary: c.permissionsBoundary,
  };
}

const S = configSchema.shape;

/**
 * The gate settings of a configuration file's text (null: the file does not exist, so the defaults
 * are in force). Only these keys are read; a key that does not parse counts as its default, and
 * says so, because the rest of that file is not this pull request's to judge.
 */
export function readGateSettings(text: string | null): { settings: GateSettings; notes: string[] } {
  const settings = gateSettingsOf(defaultConfig());
  const notes: string[] = [];
  if (text === null) return { settings, notes };
  const doc = parseDocument(text, { uniqueKeys: true });
  const js: unknown = doc.errors.length ? undefined : doc.toJS();
  if (!js || typeof js !== 'object' || Array.isArray(js)) {
    if (text.trim()) notes.push('the base configuration does not parse; its defaults are in force');
    return { settings, notes };
  }
  const raw = js as Record<string, unknown>;
  const take = <K extends GateKey>(key: K, value: unknown, schema: { safeParse(v: unknown): unknown }) => {
    if (value === undefined) return;
    const r = schema.safeParse(value) as { success: boolean; data?: GateSettings[K] };
    if (r.success && r.data !== undefined) settings[key] = r.data;
    else notes.push(`the base's ${GATE_KEY_LABEL[key]} is invalid; its default is in force`);
  };
  take('requiredApprovals', raw.requiredApprovals, S.requiredApprovals);
  take('maxDeletes', raw.maxDeletes, S.maxDeletes);
  take('adopt', raw.adopt, S.adopt);
  take('adoptPaths', raw.adoptPaths, S.adoptPaths);
  settings.adoptPaths = [...new Set(settings.adoptPaths ?? [])].sort();
  take('path', raw.path, S.path);
  take('permissionsBoundary', raw.permissionsBoundary, S.permissionsBoundary);
  const lint = raw.lint as { failOn?: unknown } | null | undefined;
  if (lint && typeof lint === 'object') take('failOn', lint.failOn, S.lint.unwrap().unwrap().shape.failOn);
  return { settings, notes };
}

const FAIL_ON_RANK: Record<FailOn, number> = { never: 0, error: 1, warning: 2 };

/**
 * What is in force for a pull request: the stricter of base and head for each guarding key (more
 * approvals, fewer deletions, adoption only when both allow it (and only from the paths both list),
 * the stricter lint level). Path and
 * boundary have no "stricter" value: the head's is what the change is about, so it stands, and the
 * change is listed for reviewers like every other.
 */
export function effectiveGate(base: GateSettings, head: GateSettings, notes: string[] = []): EffectiveGate {
  const settings: GateSettings = {
    requiredApprovals: Math.max(base.requiredApprovals, head.requiredApprovals),
    maxDeletes: Math.min(base.maxDeletes, head.maxDeletes),
    adopt: base.adopt && head.adopt,
    adoptPaths: base.adoptPaths.filter((p) => head.adoptPaths.includes(p)),
    failOn: FAIL_ON_RANK[base.failOn] >= FAIL_ON_RANK[head.failOn] ? base.failOn : head.failOn,
    path: head.path,
    permissionsBoundary: head.permissionsBoundary,
  };
  const changes: GateChange[] = [];
  for (const key of Object.keys(GATE_KEY_LABEL) as GateKey[]) {
    if (show(base[key]) !== show(head[key]))
      changes.push({ key, base: base[key], head: head[key], effective: settings[key] });
  }
  return { settings, changes, notes };
}

/** The configuration with the settings in force. */
export function withGate(config: Config, g: GateSettings): Config {
  return {
    ...config,
    requiredApprovals: g.requiredApprovals,
    maxDeletes: g.maxDeletes,
    adopt: g.adopt,
    adoptPaths: g.adoptPaths,
    path: g.path,
    permissionsBoundary: g.permissionsBoundary,
    lint: { ...config.lint, failOn: g.failOn },
  };
}

const show = (v: unknown): string =>
  v === null ? 'none' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v);

/** One line per change, for the plan comment, the summary and refusals. */
export function describeGateChange(c: GateChange): string {
  const label = GATE_KEY_LABEL[c.key];
  const head = `${label}: ${show(c.base)} → ${show(c.head)}`;
  if (c.effective === c.head) return `${head} (takes effect with this pull request)`;
  return `${head}; until this merges, ${show(c.effective)} is in force, for this pull request too`;
}
