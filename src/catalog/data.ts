/**
 * Loads the offline data files built by scripts/build-data.mjs. The bundles find them next to
 * themselves (dist/data); tests running from src/ find them in the repository's dist/data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CatalogResourceTypeRef {
  name: string;
  required: boolean;
  conditionKeys?: string[];
}
export interface CatalogAction {
  name: string;
  /** May combine levels: "Permissions management, Write". */
  accessLevel: string;
  resourceTypes: CatalogResourceTypeRef[];
  conditionKeys?: string[];
}
export interface CatalogService {
  name: string;
  /** Keyed by lower-case action name. */
  actions: Record<string, CatalogAction>;
  /** Keyed by resource type name; `arn` is a template like `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`. */
  resourceTypes: Record<string, { arn: string; conditionKeys?: string[] }>;
  /** Keyed by lower-case condition key. */
  conditionKeys: Record<string, { key: string; type: string }>;
}
export interface CatalogData {
  source: string;
  version: string;
  updatedAt: string | null;
  globalConditionKeys: Array<{ key: string; type: string }>;
  /** Keyed by service prefix (`iam`, `s3`, …). */
  services: Record<string, CatalogService>;
}
export interface ManagedPolicyData {
  source: string;
  version: string;
  /** Keyed by policy name. */
  policies: Record<string, { arn: string; versionId: string; document: unknown }>;
}

function candidateDirs(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dirs = [
    process.env.IAM_GITOPS_DATA_DIR,
    path.join(here, 'data'),
    path.resolve(here, '../../dist/data'),
  ];
  return dirs.filter((d): d is string => Boolean(d));
}

export function dataFile(name: string): string {
  for (const dir of candidateDirs()) {
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  throw new Error(
    `data file ${name} not found (looked in ${candidateDirs().join(', ')}); run \`npm run build:data\``,
  );
}

function loadGz<T>(name: string): T {
  return JSON.parse(gunzipSync(readFileSync(dataFile(name))).toString('utf8')) as T;
}

let catalog: CatalogData | undefined;
let managed: ManagedPolicyData | undefined;

/** The IAM action catalogue (read once, ~4 MB). */
export function loadCatalog(): CatalogData {
  return (catalog ??= loadGz<CatalogData>('iam-catalog.json.gz'));
}

/** All AWS managed policies with their current documents (read once, ~3 MB). */
export function loadManagedPolicies(): ManagedPolicyData {
  return (managed ??= loadGz<ManagedPolicyData>('managed-policies.json.gz'));
}
