/**
 * `organization:` → the accounts of the run, found with AWS Organizations: the whole organization
 * (ListAccounts) or the listed OUs and every OU below them (ListAccountsForParent +
 * ListOrganizationalUnitsForParent). Every list is paginated; only ACTIVE accounts count (a
 * suspended or closing account cannot be planned); `exclude` drops ids or names.
 * `listOrganization` gives every account found, before those two filters, so the accounts core
 * can tell an `exclude` entry that matches nothing (a typo that would manage the account) apart.
 */
import {
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account,
} from '@aws-sdk/client-organizations';
import { errorCode, errorMessage, type AwsClients } from '../aws/clients.js';
import type { OrganizationConfig } from '../model/desired.js';

export interface OrgAccount {
  id: string;
  /** The AWS account name: untrusted (the account's own root user may rename it), printable ASCII. */
  name: string;
  email: string;
  status: string;
  /** The OU (or root) it was found under; '' when listed from the whole organization. */
  parent: string;
}

export interface DiscoverOptions {
  /** Items asked per page (MaxResults); default: the service's. */
  pageSize?: number;
}

export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/** AWS marks accounts with `State` now; older answers (and the emulator) carry `Status` too. */
const accountState = (a: Account): string => String(a.State ?? a.Status ?? 'UNKNOWN');

/** The accounts of the run among those found: ACTIVE, and not named by `exclude` (id or AWS name, any case). */
export function keptAccounts(found: readonly OrgAccount[], org: OrganizationConfig): OrgAccount[] {
  const excluded = new Set(org.exclude.map((e) => e.toLowerCase()));
  return found.filter(
    (a) => a.status === 'ACTIVE' && !excluded.has(a.id) && !excluded.has(a.name.toLowerCase()),
  );
}

export async function discoverAccounts(
  clients: AwsClients,
  org: OrganizationConfig,
  opts: DiscoverOptions = {},
): Promise<OrgAccount[]> {
  return keptAccounts(await listOrganization(clients, org, opts), org);
}

/** Every account under `organization.ou` (or in the organization), whatever its state or `exclude`. */
export async function listOrganization(
  clients: AwsClients,
  org: OrganizationConfig,
  opts: DiscoverOptions = {},
): Promise<OrgAccount[]> {
  const client = clients.organizations;
  const page = { client, ...(opts.pageSize ? { pageSize: opts.pageSize } : {}) };
  const found = new Map<string, OrgAccount>();
  const add = (a: Account, parent: string) => {
    if (!a.Id || found.has(a.Id)) return;
    found.set(a.Id, {
      id: a.Id,
      name: a.Name ?? a.Id,
      email: a.Email ?? '',
      status: accountState(a),
      parent,
    });
  };
  const where = `${org.source.file}:${org.source.line}`;
  try {
    if (org.ou.length === 0) {
      for await (const p of paginateListAccounts(page, {})) for (const a of p.Accounts ?? []) add(a, '');
    } else {
      // Breadth-first over the OU tree; `seen` keeps an OU listed under its parent from being walked twice.
      const queue = [...org.ou];
      const seen = new Set<string>();
      while (queue.length > 0) {
        const parent = queue.shift()!;
        if (seen.has(parent)) continue;
        seen.add(parent);
        try {
          for await (const p of paginateListAccountsForParent(page, { ParentId: parent }))
            for (const a of p.Accounts ?? []) add(a, parent);
          for await (const p of paginateListOrganizationalUnitsForParent(page, { ParentId: parent }))
            for (const ou of p.OrganizationalUnits ?? []) if (ou.Id) queue.push(ou.Id);
        } catch (err) {
          const code = errorCode(err);
          if (code === 'ParentNotFoundException' || code === 'InvalidInputException')
            throw new DiscoveryError(
              `${where}: organization.ou: '${parent}' is not an OU or root of this organization ` +
                `(${errorMessage(err)}); list OU ids (ou-…) or the root (r-…) from \`aws organizations list-roots\``,
            );
          throw err;
        }
      }
    }
  } catch (err) {
    if (err instanceof DiscoveryError) throw err;
    throw new DiscoveryError(explain(err, where));
  }
  return [...found.values()];
}

function explain(err: unknown, where: string): string {
  const code = errorCode(err);
  const head = `${where}: organization: could not list the organization's accounts (${errorMessage(err)})`;
  if (code === 'AWSOrganizationsNotInUseException')
    return (
      `${head}: the account these credentials reach is in no organization. Run the plan with ` +
      `credentials of the management account (or of a delegated administrator), or declare the accounts under accounts:`
    );
  if (code === 'AccessDeniedException' || code === 'AccessDenied')
    return (
      `${head}: only the management account or a delegated administrator may list accounts. Run the plan ` +
      `with a role in the management account, or register this account as a delegated administrator ` +
      `(an Organizations resource policy allowing organizations:ListAccounts, ListAccountsForParent and ` +
      `ListOrganizationalUnitsForParent), or declare the accounts under accounts:`
    );
  return head;
}
