/**
 * Benchmark corpora: every AWS managed policy as a file, and a generated repository of
 * policies shaped like hand-written ones (deterministic: seeded generator).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

const readGz = (f) => JSON.parse(gunzipSync(readFileSync(f)).toString('utf8'));

export function writeManaged(dataDir, out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { policies } = readGz(path.join(dataDir, 'managed-policies.json.gz'));
  for (const [name, p] of Object.entries(policies)) {
    writeFileSync(path.join(out, `${name}.json`), JSON.stringify(p.document, null, 2));
  }
  return Object.keys(policies).length;
}

export function managedDocument(dataDir, name) {
  return readGz(path.join(dataDir, 'managed-policies.json.gz')).policies[name]?.document;
}

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const SERVICES = [
  's3',
  'ec2',
  'lambda',
  'dynamodb',
  'sqs',
  'sns',
  'logs',
  'cloudwatch',
  'iam',
  'kms',
  'ecr',
  'ecs',
  'ssm',
  'secretsmanager',
  'cloudformation',
  'glue',
  'athena',
  'sts',
  'rds',
  'kinesis',
];

export function writeGenerated(dataDir, out, count = 1000, seed = 42) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { services } = readGz(path.join(dataDir, 'iam-catalog.json.gz'));
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const actionsOf = (svc) => Object.values(services[svc].actions).map((a) => `${svc}:${a.name}`);
  for (let i = 0; i < count; i++) {
    const statements = [];
    const n = 1 + Math.floor(r() * 5);
    for (let j = 0; j < n; j++) {
      const svc = pick(SERVICES);
      const kind = r();
      let Action;
      if (kind < 0.1) Action = `${svc}:*`;
      else if (kind < 0.35) Action = [`${svc}:Get*`, `${svc}:List*`, `${svc}:Describe*`];
      else Action = Array.from({ length: 2 + Math.floor(r() * 10) }, () => pick(actionsOf(svc)));
      const Resource = r() < 0.5 ? '*' : `arn:aws:${svc}:us-east-1:123456789012:app-${i}-*`;
      const st = { Sid: `S${j}`, Effect: r() < 0.9 ? 'Allow' : 'Deny', Action, Resource };
      if (r() < 0.15) st.Condition = { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } };
      statements.push(st);
    }
    writeFileSync(
      path.join(out, `gen-${String(i).padStart(4, '0')}.json`),
      JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2),
    );
  }
  return count;
}

/** The labelled cases as one file per (case, policy), AWS managed policies included. */
export function writeLabelled(dataDir, fixtures, out, readdirSync) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const cases = readdirSync(fixtures)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(fixtures, f), 'utf8')));
  for (const c of cases) {
    const names = new Set([...Object.keys(c.policies), ...Object.values(c.users ?? {}).flat()]);
    for (const name of names) {
      const doc = c.policies[name] ?? managedDocument(dataDir, name);
      writeFileSync(path.join(out, `${c.id}__${name}.json`), JSON.stringify(doc, null, 2));
    }
  }
  return cases;
}
