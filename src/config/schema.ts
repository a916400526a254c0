/**
 * The shape of iam-gitops.yml as a zod schema: strict objects (an unknown key is an error) and
 * the SPEC §2 defaults. Cross-file checks (group policies exist) happen in load.ts.
 */
import * as z from 'zod';
import { defaultConfig } from './defaults.js';
import {
  ACCOUNT_ID,
  ACCOUNT_NAME,
  OU_ID,
  ROLE_ARN,
  ROLE_NAME,
  SESSION_DURATION,
  SSO_INSTANCE_ARN,
  ALARM_SETS,
  IAM_PATH,
  KMS_KEY_ARN,
  POLICY_ARN,
  REGION,
  RETENTION_DAYS,
  bucketNameProblem,
  isEmail,
  logGroupProblem,
  namespaceProblem,
  trailNameProblem,
} from './rules.js';

const D = defaultConfig();

/** A string check whose message is the rule's own explanation. */
function ruled(problem: (s: string) => string | undefined) {
  return z.string().superRefine((s, ctx) => {
    const p = problem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
}

const email = z.string().refine(isEmail, 'is not an email address (name@example.com)');

/** An account list: short names or `*` (all accounts). */
const accountList = z.array(
  z.string().refine((s) => s === '*' || ACCOUNT_NAME.test(s), 'must be an account name from accounts: or *'),
);

const group = z
  .strictObject({ policies: z.array(z.string()).default([]), accounts: accountList.optional() })
  .nullable()
  .transform((g) => g ?? { policies: [] as string[], accounts: undefined as string[] | undefined });

const roleArn = z
  .string()
  .regex(ROLE_ARN, 'must be a role ARN (arn:aws:iam::<12-digit account>:role/<name>)');

const account = z.strictObject({
  id: z
    .union([z.string(), z.number()])
    .transform((v) => String(v))
    .refine((s) => ACCOUNT_ID.test(s), "must be the 12-digit account id, quoted ('012345678901')"),
  planRole: roleArn.optional(),
  applyRole: roleArn.optional(),
  region: z.string().regex(REGION, 'must be an AWS region like us-east-1').optional(),
});

const ignore = z.strictObject({
  rule: z.string().min(1, 'needs the rule id it silences'),
  policy: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  reason: z.string().trim().min(1, 'needs a non-empty reason: say why the finding is acceptable'),
});

export const configSchema = z.strictObject({
  path: z
    .string()
    .regex(
      IAM_PATH,
      "must be '/' or start and end with '/' (like /iam-gitops/), printable ASCII, ≤ 512 characters",
    )
    .default(D.path),
  permissionsBoundary: z
    .string()
    .regex(
      POLICY_ARN,
      'must be a policy ARN (arn:aws:iam::aws:policy/<name> or arn:aws:iam::<account>:policy/<name>) or null',
    )
    .nullable()
    .default(D.permissionsBoundary),
  requiredApprovals: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(D.requiredApprovals),
  maxDeletes: z.number().int('must be a whole number').min(0, 'must be 0 or more').default(D.maxDeletes),
  adopt: z.boolean().default(D.adopt),
  adoptPaths: z
    .array(
      z
        .string()
        .regex(
          IAM_PATH,
          "must be '/' or start and end with '/' (like /engineering/), printable ASCII, ≤ 512 characters",
        ),
    )
    .nullable()
    .default(D.adoptPaths),
  groups: z.record(z.string(), group).nullable().default({}),
  email: z
    .strictObject({
      from: email.nullable().default(D.email.from),
      region: z.string().regex(REGION, 'must be an AWS region like us-east-1').default(D.email.region),
      signInUrl: z
        .string()
        .refine((s) => URL.canParse(s) && s.startsWith('https://'), 'must be an https:// URL or null')
        .nullable()
        .default(D.email.signInUrl),
      sendPassword: z.boolean().default(D.email.sendPassword),
    })
    .nullable()
    .default(D.email),
  monitoring: z
    .strictObject({
      enabled: z.boolean().default(D.monitoring.enabled),
      trailName: ruled(trailNameProblem).default(D.monitoring.trailName),
      bucket: ruled(bucketNameProblem).nullable().default(D.monitoring.bucket),
      logGroup: ruled(logGroupProblem).default(D.monitoring.logGroup),
      retentionDays: z
        .number()
        .refine(
          (n) => (RETENTION_DAYS as readonly number[]).includes(n),
          `must be one of CloudWatch Logs' retention periods: ${RETENTION_DAYS.join(', ')}`,
        )
        .default(D.monitoring.retentionDays),
      namespace: ruled(namespaceProblem).default(D.monitoring.namespace),
      alarmEmails: z.array(email).default(D.monitoring.alarmEmails),
      alarms: z
        .array(z.enum(ALARM_SETS))
        .refine((a) => new Set(a).size === a.length, 'lists an alarm set twice')
        .default(D.monitoring.alarms),
      period: z
        .number()
        .int('must be a whole number of seconds')
        .refine(
          (n) => n === 10 || n === 30 || (n >= 60 && n % 60 === 0),
          'must be a multiple of 60 seconds, at least 60 (CloudWatch alarm periods)',
        )
        .default(D.monitoring.period),
      kmsKey: z
        .string()
        .refine(
          (s) => s === 'create' || KMS_KEY_ARN.test(s),
          "must be 'create' (iam-gitops creates the key) or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
        )
        .nullable()
        .default(D.monitoring.kmsKey),
      accessLogBucket: ruled(bucketNameProblem).nullable().default(D.monitoring.accessLogBucket),
      organizationTrail: z.boolean().default(D.monitoring.organizationTrail),
      account: z
        .string()
        .regex(ACCOUNT_NAME, 'must be an account name from accounts:')
        .nullable()
        .default(D.monitoring.account),
    })
    .nullable()
    .default(D.monitoring),
  mfa: z.enum(['required', 'optional']).default(D.mfa),
  lint: z
    .strictObject({
      failOn: z.enum(['error', 'warning', 'never']).default(D.lint.failOn),
      ignore: z.array(ignore).nullable().default([]),
    })
    .nullable()
    .default(D.lint),
  accounts: z
    .record(
      z
        .string()
        .regex(ACCOUNT_NAME, 'account names are 1–64 of A-Z a-z 0-9 . _ - (start with a letter or digit)'),
      account,
    )
    .nullable()
    .default({}),
  defaultAccount: z.string().nullable().default(D.defaultAccount),
  organization: z
    .strictObject({
      ou: z
        .array(z.string().regex(OU_ID, 'must be an OU id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)'))
        .default([]),
      exclude: z.array(z.union([z.string(), z.number()]).transform((v) => String(v))).default([]),
    })
    .nullable()
    .default(null),
  hub: z
    .strictObject({
      memberPlanRole: z
        .string()
        .regex(ROLE_NAME, 'must be a role name (iam-gitops-member-plan) or path/name'),
      memberApplyRole: z
        .string()
        .regex(ROLE_NAME, 'must be a role name (iam-gitops-member-apply) or path/name'),
      externalId: z
        .string()
        .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2–1224 of A-Z a-z 0-9 + = , . @ : / - _')
        .nullable()
        .default(null),
    })
    .nullable()
    .default(null),
  identityCenter: z
    .strictObject({
      enabled: z.boolean().default(D.identityCenter.enabled),
      region: z.string().regex(REGION, 'must be an AWS region like us-east-1').nullable().default(null),
      instanceArn: z
        .string()
        .regex(SSO_INSTANCE_ARN, 'must be an Identity Center instance ARN (arn:aws:sso:::instance/ssoins-…)')
        .nullable()
        .default(null),
      sessionDuration: z
        .string()
        .regex(SESSION_DURATION, 'must be PT1H … PT12H (ISO 8601 hours)')
        .default(D.identityCenter.sessionDuration),
      relayState: z
        .string()
        .refine((s) => URL.canParse(s) && s.startsWith('https://'), 'must be an https:// URL')
        .nullable()
        .default(null),
      defaultIdentity: z.enum(['iam', 'identity-center']).default(D.identityCenter.defaultIdentity),
      portalUrl: z
        .string()
        .refine(
          (s) => URL.canParse(s) && s.startsWith('https://'),
          'must be an https:// URL (https://d-xxxxxxxxxx.awsapps.com/start)',
        )
        .nullable()
        .default(null),
    })
    .nullable()
    .default(D.identityCenter),
});

export type RawConfig = z.infer<typeof configSchema>;

/** The keys a strict object at `path` knows, for "did you mean" on unknown keys. */
export function knownKeys(path: ReadonlyArray<PropertyKey>): string[] {
  let schema: z.ZodType = configSchema;
  for (const seg of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = schema.shape[seg as string] as z.ZodType;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
    if (!schema) return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur: z.ZodType = s;
  for (let i = 0; i < 10; i++) {
    if (cur instanceof z.ZodDefault || cur instanceof z.ZodNullable || cur instanceof z.ZodOptional) {
      cur = cur.unwrap() as z.ZodType;
    } else if (cur instanceof z.ZodPipe) {
      cur = cur.in as z.ZodType;
    } else break;
  }
  return cur;
}
