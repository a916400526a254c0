/** The import's files as text: users/imported.csv, policies/<name>.json and iam-gitops.yml. */
import { Document, isMap, parseDocument, YAMLSeq } from 'yaml';
import type { ImportResult, ImportRow } from './select.js';

export const IMPORT_CSV = 'users/imported.csv';

function cell(v: string): string {
  return /[",\n\r]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

export function usersCsv(rows: ImportRow[]): string {
  // The Identity Center columns only when someone lives there: an IAM import is written as before.
  const ic = rows.some((r) => r.identity);
  const lines = [
    'username,email,groups,policies,console,tags,role' +
      (ic ? ',identity,given_name,family_name,display_name' : ''),
  ];
  for (const r of rows) {
    const tags = Object.entries(r.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    const extra = ic ? [r.identity ?? 'iam', r.givenName ?? '', r.familyName ?? '', r.displayName ?? ''] : [];
    lines.push(
      [
        r.username,
        r.email,
        r.groups.join(';'),
        r.policies.join(';'),
        String(r.console),
        tags,
        r.role ?? '',
        ...extra,
      ]
        .map(cell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * iam-gitops.yml with `adopt: true`, the adopted paths and the groups. An existing file keeps its
 * keys and comments; a new one has monitoring off, so the first plan only takes over (turn it on
 * in a later pull request to get the CloudTrail baseline).
 */
export function configYaml(existing: string | null, result: ImportResult): string {
  const doc = existing !== null ? parseDocument(existing) : new Document({});
  if (existing === null || !isMap(doc.contents)) {
    doc.contents = doc.createNode({ path: '/iam-gitops/' });
  }
  doc.set('adopt', true);
  if (result.adoptPaths.length > 0) {
    const have = doc.get('adoptPaths');
    const merged = new Set<string>(have instanceof YAMLSeq ? (have.toJSON() as string[]) : []);
    for (const p of result.adoptPaths) merged.add(p);
    const seq = doc.createNode([...merged].sort());
    seq.flow = true;
    doc.set('adoptPaths', seq);
  }
  for (const [name, policies] of Object.entries(result.groups)) {
    const accounts = result.groupAccounts?.[name];
    const node = doc.createNode(accounts ? { policies, accounts } : { policies });
    (node.get('policies', true) as unknown as YAMLSeq).flow = true;
    if (accounts) (node.get('accounts', true) as unknown as YAMLSeq).flow = true;
    doc.setIn(['groups', name], node);
  }
  if (result.identityCenter) doc.setIn(['identityCenter', 'enabled'], true);
  if (existing === null) doc.setIn(['monitoring', 'enabled'], false);
  return doc.toString();
}
