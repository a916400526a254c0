/** credentials-exposure and data-exfiltration: actions that hand out secrets or bulk data. */
import { findAction, type ActionInfo } from '../../catalog/actions.js';
import type { Finding } from '../../model/finding.js';
import type { PreparedStatement } from '../effective.js';
import { actionLocation, effective, listNames, makeFinding, type PolicyContext } from '../context.js';
import { isAdminStatement } from './admin.js';
import { scopedStatementFix } from '../fix.js';

/** Actions that return credentials, keys or secrets (sts:GetSessionToken only returns the caller's own). */
export const CREDENTIAL_ACTIONS = [
  'iam:CreateAccessKey',
  'iam:UpdateAccessKey',
  'iam:CreateServiceSpecificCredential',
  'iam:ResetServiceSpecificCredential',
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'ecr:GetAuthorizationToken',
  'ecr-public:GetAuthorizationToken',
  'codeartifact:GetAuthorizationToken',
  'redshift:GetClusterCredentials',
  'redshift:GetClusterCredentialsWithIAM',
  'redshift-serverless:GetCredentials',
  'ec2:GetPasswordData',
  'lightsail:GetInstanceAccessDetails',
  'lightsail:DownloadDefaultKeyPair',
  'gamelift:GetInstanceAccess',
  'gamelift:RequestUploadCredentials',
  'cognito-identity:GetCredentialsForIdentity',
  'sso:GetRoleCredentials',
];

/** Read actions that return stored data in bulk. */
export const EXFILTRATION_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  'dynamodb:Scan',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:ExportTableToPointInTime',
  'rds:CopyDBSnapshot',
  'rds:DownloadDBLogFilePortion',
  'ec2:CreateSnapshot',
  'ec2:ModifySnapshotAttribute',
  'sqs:ReceiveMessage',
  'kinesis:GetRecords',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'athena:GetQueryResults',
  'glacier:GetJobOutput',
  'backup:StartRestoreJob',
];

/** IAM credential actions only expose others' credentials when they reach beyond `${aws:username}`. */
const SELF_SERVICE = new Set([
  'iam:createaccesskey',
  'iam:updateaccesskey',
  'iam:createservicespecificcredential',
  'iam:resetservicespecificcredential',
]);

function selfOnly(s: PreparedStatement): boolean {
  return (
    !s.notResource &&
    s.resources.length > 0 &&
    s.resources.every((r) => /user\/(?:.*\/)?\$\{aws:username\}$/i.test(r))
  );
}

function broad(s: PreparedStatement, a: ActionInfo): boolean {
  if (!a.scopable) return true;
  return s.notResource || s.resources.some((r) => r === '*' || /:\*$/.test(r));
}

const known = new Map<readonly string[], ActionInfo[]>();

/** The list's actions found in the catalogue (resolved once, not per policy). */
function knownActions(list: readonly string[]): ActionInfo[] {
  let infos = known.get(list);
  if (!infos) known.set(list, (infos = list.map((n) => findAction(n)).filter((a) => a !== undefined)));
  return infos;
}

function scan(
  ctx: PolicyContext,
  list: readonly string[],
  rule: string,
  skip: ReadonlySet<string>,
  describe: (names: string[], s: PreparedStatement) => string,
): Finding[] {
  const infos = knownActions(list);
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    if (s.effect !== 'Allow' || isAdminStatement(ctx, s)) continue;
    const eff = effective(ctx, s);
    const hits = infos.filter((a) => {
      if (!eff.has(a.id) || skip.has(a.name)) return false;
      if (SELF_SERVICE.has(a.name.toLowerCase())) return !selfOnly(s);
      return broad(s, a);
    });
    if (!hits.length) continue;
    const names = hits.map((a) => a.name);
    out.push(
      makeFinding(
        ctx,
        actionLocation(ctx, s, names[0]!),
        rule,
        'warning',
        names,
        describe(names, s),
        scopedStatementFix(hits),
      ),
    );
  }
  return out;
}

/** `skip`: actions already reported as an escalation step for this policy. */
export function sensitiveRules(ctx: PolicyContext, skip: ReadonlySet<string> = new Set()): Finding[] {
  return [
    ...scan(
      ctx,
      CREDENTIAL_ACTIONS,
      'credentials-exposure',
      skip,
      (n, s) =>
        `Statement ${s.index + 1} allows ${listNames(n)} on every resource: it returns credentials or secrets (other users' keys, stored secrets, registry tokens) that grant further access.`,
    ),
    ...scan(
      ctx,
      EXFILTRATION_ACTIONS,
      'data-exfiltration',
      skip,
      (n, s) =>
        `Statement ${s.index + 1} allows ${listNames(n)} on every resource: any bucket, table, queue or log of the account can be read out.`,
    ),
  ];
}
