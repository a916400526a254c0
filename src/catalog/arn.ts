/** ARN templates of actions' resource types: matching statement resources, building fixes. */
import { loadCatalog } from './data.js';
import type { ActionInfo } from './actions.js';
import { globsIntersect, SEGMENT } from './wildcard.js';

const templateCache = new Map<string, readonly string[]>();

/**
 * The raw ARN templates (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`) of an
 * action; with `requiredFirst`, only the required resource types when the action has any.
 * Cached per action: the lint asks for the same action's templates once per statement.
 */
export function arnTemplates(action: ActionInfo, requiredFirst = false): readonly string[] {
  const key = `${requiredFirst ? '!' : ''}${action.id}`;
  const hit = templateCache.get(key);
  if (hit) return hit;
  const svc = loadCatalog().services[action.service];
  const out: string[] = [];
  const required = action.def.resourceTypes.filter((r) => r.required);
  const types = requiredFirst && required.length ? required : action.def.resourceTypes;
  for (const r of types) {
    const arn = svc?.resourceTypes[r.name]?.arn;
    if (arn && !out.includes(arn)) out.push(arn);
  }
  templateCache.set(key, out);
  return out;
}

/** Variables whose values never contain `/` (others, like object keys and log groups, may). */
const NO_SLASH = new Set(['BucketName', 'Partition', 'Region', 'Account', 'AccountId']);

/** A template with every `${Var}` as a wildcard, for matching. */
function templateGlob(template: string): string {
  return template.replace(/\$\{([^}]*)\}/g, (_m, name: string) => (NO_SLASH.has(name) ? SEGMENT : '*'));
}

/** Policy variables in a statement's resource (`${aws:username}`) stand for some value. */
export function resourceGlob(resource: string): string {
  return resource.replace(/\$\{[^}]*\}/g, '*');
}

/** Splits an ARN into partition, service, region, account and the resource part. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0]!.toLowerCase() !== 'arn') return undefined;
  return [...parts.slice(1, 5), parts.slice(5).join(':')];
}

/**
 * Whether a resource pattern and a template glob can name the same ARN. As IAM does, the
 * first five components are matched one by one, so a `*` never spans a colon there.
 */
export function arnsIntersect(resource: string, template: string): boolean {
  if (resource === '*') return true;
  const r = arnParts(resource);
  const t = arnParts(template);
  if (!r || !t) return globsIntersect(resource, template);
  return r.every((part, i) => globsIntersect(part, t[i]!));
}

const matchCache = new Map<string, boolean>();
/** resource → action id → verdict: the lint asks the same pair for every statement naming it. */
const verdictCache = new Map<string, Map<number, boolean | undefined>>();

/**
 * Whether a statement resource can name a resource of the action: true/false, or undefined
 * when the catalogue cannot tell (no templates known).
 */
export function resourceMatchesAction(resource: string, action: ActionInfo): boolean | undefined {
  if (resource === '*') return true;
  if (!action.scopable) return false;
  let byAction = verdictCache.get(resource);
  if (!byAction) verdictCache.set(resource, (byAction = new Map()));
  if (byAction.has(action.id)) return byAction.get(action.id);
  const verdict = matchTemplates(resource, action);
  byAction.set(action.id, verdict);
  return verdict;
}

function matchTemplates(resource: string, action: ActionInfo): boolean | undefined {
  const templates = arnTemplates(action);
  if (templates.length === 0) return undefined;
  const r = resourceGlob(resource);
  for (const t of templates) {
    const key = `${r}\n${t}`;
    let m = matchCache.get(key);
    if (m === undefined) {
      m = arnsIntersect(r, templateGlob(t));
      matchCache.set(key, m);
    }
    if (m) return true;
  }
  return false;
}

export interface FillOptions {
  partition?: string;
  account?: string;
  region?: string;
}

/**
 * A template made concrete for a fix suggestion: partition, account and region substituted,
 * the resource's own name parts left as readable placeholders (`<RoleNameWithPath>`).
 */
export function fillTemplate(template: string, opts: FillOptions = {}): string {
  return template.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    if (name === 'Partition') return opts.partition ?? 'aws';
    if (name === 'Account') return opts.account ?? '*';
    if (name === 'Region') return opts.region ?? '*';
    return `<${name}>`;
  });
}
