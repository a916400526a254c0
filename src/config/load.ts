/** iam-gitops.yml → Config, with every problem as `iam-gitops.yml:line:col` diagnostics. */
import { LineCounter, parseDocument, type Document } from 'yaml';
import type * as z from 'zod';
import type { Config, PolicyRef } from '../model/desired.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { resolvePolicyRef } from '../desired/policy-ref.js';
import { closest } from '../suggest.js';
import { defaultConfig } from './defaults.js';
import { accountListProblems, buildAccounts } from './accounts.js';
import { checkOrganizationTrail } from './organization-trail.js';
import { pathLabel, yamlPosition } from './positions.js';
import { IAM_NAME_CHARS } from './rules.js';
import { configSchema, knownKeys, type RawConfig } from './schema.js';

export interface ConfigLoad {
  config: Config;
  diagnostics: Diagnostic[];
  /** Declared group names; null when the file is too broken to tell (then CSV group checks are skipped). */
  groups: Set<string> | null;
  /** Custom policy names the groups reference. */
  referencedPolicies: Set<string>;
  /** Where `mfa:` is written, for the diagnostics and findings about the MFA group it creates. */
  mfaAt?: { line: number; col: number };
}

/** IAM allows at most 10 managed policies attached to a group (default quota). */
export const MAX_GROUP_POLICIES = 10;

/** Below this the trail's log group forgets events sooner than a yearly audit looks back. */
export const MIN_RETENTION_DAYS = 365;

/**
 * `text` null means the file does not exist: all defaults. `customNames` are the policies/*.json
 * names, so group policies resolve like CSV ones.
 */
export function loadConfig(file: string, text: string | null, customNames: ReadonlySet<string>): ConfigLoad {
  const diagnostics: Diagnostic[] = [];
  const out: ConfigLoad = {
    config: defaultConfig(),
    diagnostics,
    groups: new Set(),
    referencedPolicies: new Set(),
  };
  if (text === null) return out;
  out.config.source = file;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const push = (severity: Diagnostic['severity'], pos: { line: number; col: number }, message: string) =>
    diagnostics.push({ file, line: pos.line, col: pos.col, severity, message });
  for (const e of doc.errors) push('error', lc.linePos(e.pos[0]), `YAML: ${firstLine(e.message)}`);
  for (const w of doc.warnings) push('warning', lc.linePos(w.pos[0]), `YAML: ${firstLine(w.message)}`);
  if (doc.errors.length > 0) {
    out.groups = null;
    return out;
  }
  const js: unknown = doc.toJS() ?? {};
  if (typeof js !== 'object' || Array.isArray(js)) {
    push(
      'error',
      yamlPosition(doc, lc, []),
      'the file must be a mapping of keys (path:, groups:, …), not a list or a value',
    );
    out.groups = null;
    return out;
  }
  const parsed = configSchema.safeParse(js);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) diagnostics.push(...issueDiagnostics(file, doc, lc, js, issue));
    const rawGroups = (js as { groups?: unknown }).groups;
    out.groups = rawGroups && typeof rawGroups === 'object' ? new Set(Object.keys(rawGroups)) : null;
    // Still count what the groups reference, so a config typo does not also flag policies as unused.
    for (const g of Object.values(rawGroups ?? {})) {
      const policies: unknown = (g as { policies?: unknown } | null)?.policies;
      if (!Array.isArray(policies)) continue;
      for (const p of policies)
        if (typeof p === 'string' && customNames.has(p)) out.referencedPolicies.add(p);
    }
    return out;
  }
  out.config = buildConfig(file, parsed.data, doc, lc, customNames, out, push);
  return out;
}

type Push = (severity: Diagnostic['severity'], pos: { line: number; col: number }, message: string) => void;

function buildConfig(
  file: string,
  raw: RawConfig,
  doc: Document,
  lc: LineCounter,
  customNames: ReadonlySet<string>,
  out: ConfigLoad,
  push: Push,
): Config {
  const d = defaultConfig();
  const monitoring = raw.monitoring ?? d.monitoring;
  if (monitoring.period === 10 || monitoring.period === 30) {
    push(
      'warning',
      yamlPosition(doc, lc, ['monitoring', 'period']),
      `monitoring.period: ${monitoring.period} s is a high-resolution period, but metric-filter metrics have ` +
        '1-minute resolution and CloudWatch would never fill such an alarm; iam-gitops uses 60',
    );
    monitoring.period = 60;
  }
  // A warning, not an error: some accounts archive the bucket's copy and keep Logs short on purpose.
  if (monitoring.enabled && monitoring.retentionDays < MIN_RETENTION_DAYS) {
    push(
      'warning',
      yamlPosition(doc, lc, ['monitoring', 'retentionDays']),
      `monitoring.retentionDays: ${monitoring.retentionDays} days is below the ${MIN_RETENTION_DAYS} days ` +
        'most audit baselines require for the trail log group (CIS, PCI DSS 10.5.1); set retentionDays: 365 or more',
    );
  }
  if (monitoring.accessLogBucket !== null) {
    const trailBucket = monitoring.bucket;
    if (trailBucket !== null && monitoring.accessLogBucket === trailBucket) {
      push(
        'error',
        yamlPosition(doc, lc, ['monitoring', 'accessLogBucket']),
        'monitoring.accessLogBucket: the trail bucket cannot log its own access (every log write would be ' +
          'logged again); name another bucket that grants logging.s3.amazonaws.com s3:PutObject',
      );
    }
  }
  if (raw.permissionsBoundary?.includes(':iam::aws:')) {
    const r = resolvePolicyRef(raw.permissionsBoundary, new Set());
    if (!r.ok)
      push('error', yamlPosition(doc, lc, ['permissionsBoundary']), `permissionsBoundary: ${r.message}`);
  }
  const accountPart = buildAccounts(file, raw, doc, lc, push);
  checkOrganizationTrail(monitoring, accountPart, doc, lc, push);
  const groups: Config['groups'] = {};
  const seen = new Map<string, string>();
  for (const [name, g] of Object.entries(raw.groups ?? {})) {
    const keyPos = yamlPosition(doc, lc, ['groups', name], 'key');
    out.groups!.add(name);
    if (name.length > 128 || !IAM_NAME_CHARS.test(name)) {
      push('error', keyPos, `group name '${name}' must be 1–128 of A-Z a-z 0-9 + = , . @ _ -`);
    }
    const twin = seen.get(name.toLowerCase());
    if (twin)
      push(
        'error',
        keyPos,
        `group '${name}' is declared twice ('${twin}'); IAM group names are case-insensitive`,
      );
    seen.set(name.toLowerCase(), name);
    const policies: PolicyRef[] = [];
    g.policies.forEach((p, i) => {
      const at = yamlPosition(doc, lc, ['groups', name, 'policies', i]);
      const r = resolvePolicyRef(p, customNames);
      if (!r.ok) return push('error', at, `groups.${name}: ${r.message}`);
      if (policies.some((q) => q.name === r.ref.name && q.kind === r.ref.kind)) {
        return push('warning', at, `groups.${name}: policy '${p}' is listed twice; remove one`);
      }
      if (r.ref.kind === 'custom') out.referencedPolicies.add(r.ref.name);
      policies.push(r.ref);
    });
    if (g.policies.length > MAX_GROUP_POLICIES) {
      push(
        'error',
        keyPos,
        `group '${name}' has ${g.policies.length} policies; IAM attaches at most ${MAX_GROUP_POLICIES} managed policies to a group: merge some into one custom policy`,
      );
    }
    const accounts = g.accounts ?? null;
    if (accounts) {
      const at = yamlPosition(doc, lc, ['groups', name, 'accounts']);
      for (const p of accountListProblems(accounts, { ...accountPart }))
        push('error', at, `groups.${name}.accounts: ${p}`);
    }
    groups[name] = { policies, accounts, source: { file, line: keyPos.line, col: keyPos.col } };
  }
  const lint = raw.lint ?? d.lint;
  if (raw.mfa === 'required') out.mfaAt = yamlPosition(doc, lc, ['mfa'], 'key');
  const ic = raw.identityCenter ?? d.identityCenter;
  return {
    ...accountPart,
    identityCenter: { ...ic },
    path: raw.path,
    permissionsBoundary: raw.permissionsBoundary,
    requiredApprovals: raw.requiredApprovals,
    maxDeletes: raw.maxDeletes,
    adopt: raw.adopt,
    adoptPaths: [...new Set(raw.adoptPaths ?? [])],
    groups,
    email: raw.email ?? d.email,
    monitoring,
    mfa: raw.mfa,
    lint: { failOn: lint.failOn, ignore: lint.ignore ?? [] },
    source: file,
  };
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  string: 'a string',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function issueDiagnostics(
  file: string,
  doc: Document,
  lc: LineCounter,
  js: unknown,
  issue: z.core.$ZodIssue,
): Diagnostic[] {
  const label = pathLabel(issue.path);
  const diag = (pos: { line: number; col: number }, message: string): Diagnostic => ({
    file,
    ...pos,
    severity: 'error',
    message,
  });
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(issue.path);
    return issue.keys.map((key) => {
      const near = closest(key, known);
      const where = label ? ` in ${label}` : '';
      const hint = near ? `did you mean '${near}'?` : `known keys: ${known.join(', ')}`;
      return diag(
        yamlPosition(doc, lc, [...issue.path, key], 'key'),
        `unknown key '${key}'${where}; ${hint}`,
      );
    });
  }
  const value = valueAt(js, issue.path);
  const pos = yamlPosition(doc, lc, issue.path);
  if (issue.code === 'invalid_type') {
    if (value === undefined) return [diag(pos, `${label} is required`)];
    const want = TYPE_WORDS[issue.expected] ?? issue.expected;
    return [diag(pos, `${label}: expected ${want}, got ${show(value)}`)];
  }
  if (issue.code === 'invalid_value') {
    const options = issue.values.map(String);
    const near = typeof value === 'string' ? closest(value, options) : undefined;
    return [
      diag(
        pos,
        `${label}: ${show(value)} is not one of ${options.join(', ')}` +
          (near ? `; did you mean '${near}'?` : ''),
      ),
    ];
  }
  const got = value === undefined || typeof value === 'object' ? '' : ` (got ${show(value)})`;
  return [diag(pos, `${label}: ${issue.message}${got}`)];
}

function valueAt(js: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur = js;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
