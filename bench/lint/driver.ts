/**
 * Benchmark driver, bundled by bench/lint.mjs with ncc: lints a directory of policy JSON
 * files (one policy each, as the repository's policies/ folder), or the labelled cases.
 * Prints one JSON object on stdout.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { locatePolicy, parseJsonWithPositions } from '../../src/desired/locate.js';
import { lintDesired, lintPolicy } from '../../src/lint/index.js';
import { dataVersion } from '../../src/catalog/actions.js';
import type { DesiredState, PolicyRef } from '../../src/model/desired.js';
import type { LocatedPolicy, PolicyDocument } from '../../src/model/policy.js';

function located(name: string, file: string, text: string): LocatedPolicy {
  const { tree } = parseJsonWithPositions(text);
  return locatePolicy(name, file, text, tree!, JSON.parse(text) as PolicyDocument);
}

function lintDir(dir: string): object {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const t0 = process.hrtime.bigint();
  const byRule: Record<string, number> = {};
  let findings = 0;
  for (const f of files) {
    const p = located(f.replace(/\.json$/, ''), `policies/${f}`, readFileSync(path.join(dir, f), 'utf8'));
    for (const x of lintPolicy(p).findings) {
      byRule[`${x.rule}:${x.severity}`] = (byRule[`${x.rule}:${x.severity}`] ?? 0) + 1;
      findings++;
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return {
    policies: files.length,
    ms,
    findings,
    byRule,
    maxRssKb: process.resourceUsage().maxRSS,
    heapUsed: process.memoryUsage().heapUsed,
  };
}

interface LabelledCase {
  id: string;
  description: string;
  escalates: boolean;
  policies: Record<string, unknown>;
  /** Policy names per user (custom names or AWS managed names); default: one user with all. */
  users?: Record<string, string[]>;
}

const ESCALATION_RULES = new Set([
  'privilege-escalation',
  'admin-access',
  'service-admin',
  'risky-managed-policy',
]);

function ref(name: string): PolicyRef {
  return /^[A-Z]/.test(name)
    ? { kind: 'aws', name, arn: `arn:aws:iam::aws:policy/${name}` }
    : { kind: 'custom', name };
}

function lintLabelled(dir: string): object {
  const results = [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const c = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as LabelledCase;
    const policies = Object.entries(c.policies).map(([name, doc]) =>
      located(name, `policies/${name}.json`, JSON.stringify(doc, null, 2)),
    );
    const users = c.users ?? { user: Object.keys(c.policies) };
    const state = {
      config: { path: '/iam-gitops/', groups: {}, lint: { failOn: 'error', ignore: [] } },
      users: Object.entries(users).map(([name, ps], i) => ({
        name,
        email: '',
        groups: [],
        policies: ps.map(ref),
        console: false,
        tags: {},
        role: null,
        source: { file: 'users/labelled.csv', line: i + 2 },
      })),
      policies,
    } as unknown as DesiredState;
    const fs = lintDesired(state, { now: new Date('2026-11-23T00:00:00Z') }).findings;
    const hits = fs.filter((x) => ESCALATION_RULES.has(x.rule) && x.severity === 'error');
    results.push({
      id: c.id,
      escalates: c.escalates,
      flagged: hits.length > 0,
      rules: [...new Set(hits.map((h) => h.rule))],
    });
  }
  return { results };
}

/** Findings of one rule, for looking at what the rule reports on a corpus. */
function dump(dir: string, rule: string): object {
  const out = [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const p = located(f.replace(/\.json$/, ''), `policies/${f}`, readFileSync(path.join(dir, f), 'utf8'));
    for (const x of lintPolicy(p).findings)
      if (x.rule === rule) out.push({ policy: p.name, actions: x.actions, message: x.message });
  }
  return { findings: out };
}

const [mode, dir, rule] = process.argv.slice(2);
if (mode === 'dump') {
  process.stdout.write(JSON.stringify(dump(dir!, rule!)) + '\n');
  process.exit(0);
}
const out = mode === 'labelled' ? lintLabelled(dir!) : lintDir(dir!);
process.stdout.write(JSON.stringify({ dataVersion: dataVersion(), ...out }) + '\n');
