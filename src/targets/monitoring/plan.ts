/**
 * Pure: the baseline's desired settings against what was read → create/update operations in the
 * order of cis-monitoring §1, each with the exact settings and, for updates, the drifted fields.
 * A same-named resource without the managed-by tag is an error unless adopting. Deletes only
 * what the config no longer asks for and the tool provably made: alarms tagged managed-by,
 * catalog filters writing our namespace in our log group, e-mail subscriptions on our topic.
 */
import { MANAGED_TAG, type MonitoringConfig } from '../../model/desired.js';
import type { ChangeType, Operation, PendingSubscription } from '../../model/plan.js';
import { asActualMonitoring, type ActualMonitoring, type ActualSubscription } from './actual.js';
import { desiredBaseline, type DesiredBaseline } from './desired.js';
import { ALL_FILTERS } from './filters.js';
import { isEmail } from '../../config/rules.js';
import { maskEmail } from './mask.js';
import { samePolicy } from './policies.js';
import { describeFailures, selfTestPatterns } from './self-test.js';

export interface Drift {
  field: string;
  actual: unknown;
  desired: unknown;
}

export interface MonitoringPlanContext {
  accountId: string;
  region: string;
  adopt: boolean;
}

const MAX_PATTERN_LENGTH = 1024;

export interface MonitoringPlan {
  operations: Operation[];
  errors: string[];
  /** Baseline resources found exactly as desired (reported as one count, never as operations). */
  unchanged: number;
  /** `unchanged` per resource type, e.g. `{trail: 1, alarm: 17}`. */
  unchangedByType: Partial<Record<ChangeType, number>>;
  /**
   * Subscriptions waiting for their recipient to confirm: not unchanged, and not a change apply
   * could make (subscribing again would only mail the address again).
   */
  pending: PendingSubscription[];
}

export function planMonitoring(
  config: MonitoringConfig,
  actualRaw: unknown,
  ctx: MonitoringPlanContext,
): MonitoringPlan {
  const unchangedByType: Partial<Record<ChangeType, number>> = {};
  if (!config.enabled) return { operations: [], errors: [], unchanged: 0, unchangedByType, pending: [] };
  const actual = asActualMonitoring(actualRaw);
  if (config.organizationTrail && actual.organization === null) {
    const error =
      `monitoring.organizationTrail: account ${ctx.accountId} belongs to no AWS Organizations organization ` +
      '(DescribeOrganization: AWSOrganizationsNotInUseException); set monitoring.account in iam-gitops.yml to the ' +
      "management account or CloudTrail's delegated administrator, or remove organizationTrail";
    return { operations: [], errors: [error], unchanged: 0, unchangedByType, pending: [] };
  }
  const desired = desiredBaseline(config, { ...ctx, organizationId: actual.organization?.id ?? null });
  const errors: string[] = [];
  const ops: Operation[] = [];
  const pending: PendingSubscription[] = [];

  const selfTest = selfTestPatterns(desired.filters);
  errors.push(...describeFailures(selfTest.results));
  for (const f of desired.filters) {
    if (f.pattern.length > MAX_PATTERN_LENGTH) {
      errors.push(`metric filter ${f.filterName}: pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
    }
  }

  const remove: Remove = (type, key, name, settings) =>
    ops.push({ id: `${type}:${key}`, action: 'delete', type, name, details: { ...settings }, dependsOn: [] });
  const add: Add = (type, key, name, settings, drift, adopt = false) => {
    if (drift && drift.length === 0) {
      unchangedByType[type] = (unchangedByType[type] ?? 0) + 1;
      return;
    }
    const details: Record<string, unknown> = { ...settings };
    if (drift) details.drift = drift;
    if (adopt) details.adopt = true;
    ops.push({
      id: `${type}:${key}`,
      action: drift ? 'update' : 'create',
      type,
      name,
      details,
      dependsOn: [],
    });
  };
  /** Whether an existing resource is ours (adopt: taken over now), or null (error recorded) when it is not. */
  const owned: Owned = (what, name, tags) => {
    if (tags[MANAGED_TAG.key] === MANAGED_TAG.value) return { adopt: false };
    if (ctx.adopt) return { adopt: true };
    errors.push(
      `${what} "${name}" exists but is not managed by iam-gitops (no ${MANAGED_TAG.key}=${MANAGED_TAG.value} tag): ` +
        `rename it in iam-gitops.yml monitoring, tag it, or set adopt: true to take it over`,
    );
    return null;
  };

  planBucket(desired, actual, add, owned, errors);
  planKey(desired, actual, add, errors);
  planLogGroup(desired, actual, add, owned);
  planRole(desired, actual, add, owned);
  planTrail(desired, actual, add, owned, errors, ctx.region);
  planTopic(desired, actual, add, owned, remove, pending);
  planFiltersAndAlarms(desired, actual, add);
  planRemovals(desired, actual, remove);

  const unchanged = Object.values(unchangedByType).reduce((n, k) => n + k, 0);
  return { operations: withDependencies(ops), errors, unchanged, unchangedByType, pending };
}

type Add = (
  type: ChangeType,
  key: string,
  name: string,
  settings: object,
  drift: Drift[] | null,
  adopt?: boolean,
) => void;
type Remove = (type: ChangeType, key: string, name: string, settings: object) => void;
type Owned = (what: string, name: string, tags: Record<string, string>) => { adopt: boolean } | null;

function check(drift: Drift[], field: string, actual: unknown, desired: unknown, same = actual === desired) {
  if (!same) drift.push({ field, actual: actual ?? null, desired });
}

function tagDrift(drift: Drift[], actual: Record<string, string>, desired: Record<string, string>) {
  const missing = Object.entries(desired).filter(([k, v]) => actual[k] !== v);
  if (missing.length) drift.push({ field: 'tags', actual: { ...actual }, desired: { ...desired } });
}

function planBucket(d: DesiredBaseline, a: ActualMonitoring, add: Add, owned: Owned, errors: string[]) {
  if (d.bucket.accessLogging?.targetBucket === d.bucket.bucket) {
    errors.push(
      `monitoring.accessLogBucket "${d.bucket.bucket}" is the trail bucket itself: name another bucket in iam-gitops.yml ` +
        '(one that grants logging.s3.amazonaws.com s3:PutObject)',
    );
  }
  const b = a.bucket;
  if (!b) return add('bucket', d.bucket.bucket, d.bucket.bucket, d.bucket, null);
  if (b.foreign) {
    errors.push(
      `trail bucket "${b.name}" belongs to another AWS account: set monitoring.bucket in iam-gitops.yml to a name you own`,
    );
    return;
  }
  const own = owned('trail bucket', b.name, b.tags);
  if (!own) return;
  const drift: Drift[] = [];
  check(drift, 'policy', b.policy, d.bucket.policy, samePolicy(b.policy, d.bucket.policy));
  const pab = b.publicAccessBlock;
  const blocked = !!pab && Object.keys(d.bucket.publicAccessBlock).every((k) => pab[k] === true);
  check(drift, 'publicAccessBlock', pab, d.bucket.publicAccessBlock, blocked);
  // Any default encryption satisfies the baseline: a KMS key someone set is stronger, not drift.
  check(drift, 'encryption', b.encryption, d.bucket.encryption, b.encryption !== null);
  const logging = d.bucket.accessLogging;
  if (logging) {
    const got = b.accessLogging ?? null;
    const same = got?.targetBucket === logging.targetBucket && got.targetPrefix === logging.targetPrefix;
    check(drift, 'accessLogging', got, logging, same);
  }
  tagDrift(drift, b.tags, d.bucket.tags);
  add('bucket', d.bucket.bucket, d.bucket.bucket, d.bucket, drift, own.adopt);
}

/**
 * The key iam-gitops creates (monitoring.kmsKey: create). Its policy is written once, at
 * creation: the apply role may not rewrite key policies (that would let it take over any key it
 * can alias), so a drifted policy is an error an administrator repairs.
 */
function planKey(d: DesiredBaseline, a: ActualMonitoring, add: Add, errors: string[]) {
  const want = d.kmsKey;
  if (!want) return;
  const k = a.kmsKey;
  if (!k) return add('kms-key', want.alias, want.alias, want, null);
  if (k.state !== 'Enabled') {
    errors.push(
      `KMS key ${want.alias} (${k.arn}) is ${k.state}: CloudTrail cannot encrypt with it; enable it ` +
        `(or cancel its deletion) in the KMS console, or delete the alias to have iam-gitops create a new key`,
    );
    return;
  }
  if (!samePolicy(k.policy, want.policy)) {
    errors.push(
      `KMS key ${want.alias} (${k.arn}) has a key policy iam-gitops did not write: an administrator restores it ` +
        `(aws kms put-key-policy --key-id ${k.keyId} --policy-name default --policy file://key-policy.json, with the ` +
        "policy from `iam-gitops plan --format json` of a fresh account) or sets monitoring.kmsKey to that key's ARN",
    );
  }
  const drift: Drift[] = [];
  check(drift, 'rotation', k.rotation, want.rotation);
  add('kms-key', want.alias, want.alias, { ...want, keyId: k.keyId }, drift);
}

function planLogGroup(d: DesiredBaseline, a: ActualMonitoring, add: Add, owned: Owned) {
  const g = a.logGroup;
  const want = d.logGroup;
  if (!g) return add('log-group', want.logGroup, want.logGroup, want, null);
  const own = owned('log group', g.name, g.tags);
  if (!own) return;
  const drift: Drift[] = [];
  check(drift, 'retentionDays', g.retentionDays, want.retentionDays);
  tagDrift(drift, g.tags, want.tags);
  add('log-group', want.logGroup, want.logGroup, want, drift, own.adopt);
}

function planRole(d: DesiredBaseline, a: ActualMonitoring, add: Add, owned: Owned) {
  const r = a.role;
  const want = d.role;
  if (!r) return add('role', want.roleName, want.roleName, want, null);
  const own = owned('CloudTrail delivery role', r.name, r.tags);
  if (!own) return;
  const drift: Drift[] = [];
  check(drift, 'trustPolicy', r.trustPolicy, want.trustPolicy, samePolicy(r.trustPolicy, want.trustPolicy));
  check(drift, 'policy', r.policy, want.policy, samePolicy(r.policy, want.policy));
  tagDrift(drift, r.tags, want.tags);
  add('role', want.roleName, want.roleName, want, drift, own.adopt);
}

function planTrail(
  d: DesiredBaseline,
  a: ActualMonitoring,
  add: Add,
  owned: Owned,
  errors: string[],
  region: string,
) {
  const t = a.trail;
  const want = d.trail;
  if (!t) return add('trail', want.trailName, want.trailName, want, null);
  if (t.homeRegion !== region) {
    errors.push(
      `trail "${t.name}" already exists with home region ${t.homeRegion}; the baseline's trail lives in ${region}: ` +
        `set monitoring.trailName to another name or run in ${t.homeRegion}`,
    );
    return;
  }
  const own = owned('trail', t.name, t.tags);
  if (!own) return;
  const drift: Drift[] = [];
  check(drift, 's3BucketName', t.s3BucketName, want.s3BucketName);
  check(drift, 'isMultiRegionTrail', t.isMultiRegionTrail, want.isMultiRegionTrail);
  check(drift, 'includeGlobalServiceEvents', t.includeGlobalServiceEvents, want.includeGlobalServiceEvents);
  check(drift, 'enableLogFileValidation', t.logFileValidationEnabled, want.enableLogFileValidation);
  check(drift, 'cloudWatchLogsLogGroupArn', t.cloudWatchLogsLogGroupArn, want.cloudWatchLogsLogGroupArn);
  check(drift, 'cloudWatchLogsRoleArn', t.cloudWatchLogsRoleArn, want.cloudWatchLogsRoleArn);
  if (want.kmsKeyId) {
    // AWS answers the key ARN even when the trail was given the alias; the emulator echoes the alias.
    const got = t.kmsKeyId ?? null;
    const same = got === want.kmsKeyId || (!!got && got === a.kmsKey?.arn);
    check(drift, 'kmsKeyId', got, want.kmsKeyId, same);
  }
  const allManagement =
    t.advancedEventSelectors === 0 &&
    t.eventSelectors.some(
      (s) =>
        s.ReadWriteType === 'All' &&
        s.IncludeManagementEvents === true &&
        (s.ExcludeManagementEventSources as unknown[]).length === 0,
    );
  check(drift, 'eventSelectors', t.eventSelectors, want.eventSelectors, allManagement);
  check(drift, 'isLogging', t.isLogging, want.isLogging);
  // Checked when either side is an organization trail: a single account's plan reads as before, and
  // turning organizationTrail off turns the trail back into one for its own account.
  const wantOrg = want.isOrganizationTrail === true;
  const isOrg = t.isOrganizationTrail === true;
  if (wantOrg || isOrg) check(drift, 'isOrganizationTrail', isOrg, wantOrg);
  tagDrift(drift, t.tags, want.tags);
  const settings = isOrg && !wantOrg ? { ...want, isOrganizationTrail: false } : want;
  add('trail', want.trailName, want.trailName, settings, drift, own.adopt);
}

function planTopic(
  d: DesiredBaseline,
  a: ActualMonitoring,
  add: Add,
  owned: Owned,
  remove: Remove,
  pending: PendingSubscription[],
) {
  const t = a.topic;
  const want = d.topic;
  if (!t) {
    add('topic', want.topicName, want.topicName, want, null);
  } else {
    const own = owned('SNS topic', want.topicName, t.tags);
    if (!own) return;
    planRemovedSubscriptions(d, t.subscriptions, remove, pending);
    const drift: Drift[] = [];
    check(drift, 'policy', t.policy, want.policy, samePolicy(t.policy, want.policy));
    tagDrift(drift, t.tags, want.tags);
    add('topic', want.topicName, want.topicName, want, drift, own.adopt);
  }
  // Pending subscriptions count as present (subscribing again would mail the address again), but
  // not as unchanged: alarms do not reach the address until it confirms.
  const present = new Map(
    (t?.subscriptions ?? [])
      .filter((s) => s.protocol === 'email')
      .map((s) => [s.endpoint.toLowerCase(), isPendingArn(s.subscriptionArn)] as const),
  );
  for (const email of d.emails) {
    const isPending = present.get(email.toLowerCase());
    if (isPending === true) {
      pending.push({ address: maskEmail(email) });
      continue;
    }
    if (isPending === false) {
      add('subscription', email, maskEmail(email), {}, []);
      continue;
    }
    add(
      'subscription',
      email,
      maskEmail(email),
      { topicArn: want.topicArn, protocol: 'email', endpoint: email },
      null,
    );
  }
}

function planFiltersAndAlarms(d: DesiredBaseline, a: ActualMonitoring, add: Add) {
  const filters = new Map(a.metricFilters.map((f) => [f.name, f]));
  for (const want of d.filters) {
    const settings = { ...want, mode: d.mode };
    const f = filters.get(want.filterName);
    if (!f) {
      add('metric-filter', want.filterName, want.filterName, settings, null);
      continue;
    }
    const drift: Drift[] = [];
    check(drift, 'pattern', f.pattern, want.pattern);
    const t = f.transformations;
    const wantT = {
      metricName: want.metricName,
      metricNamespace: want.namespace,
      metricValue: want.metricValue,
    };
    const sameT =
      t.length === 1 &&
      t[0]!.metricName === wantT.metricName &&
      t[0]!.metricNamespace === wantT.metricNamespace &&
      t[0]!.metricValue === wantT.metricValue;
    check(drift, 'metricTransformation', t, [wantT], sameT);
    add('metric-filter', want.filterName, want.filterName, settings, drift);
  }
  const alarms = new Map(a.alarms.map((x) => [x.name, x]));
  for (const want of d.alarms) {
    const x = alarms.get(want.alarmName);
    if (!x) {
      add('alarm', want.alarmName, want.alarmName, want, null);
      continue;
    }
    const drift: Drift[] = [];
    check(drift, 'description', x.description, want.description);
    check(drift, 'metricName', x.metricName, want.metricName);
    check(drift, 'namespace', x.namespace, want.namespace);
    check(drift, 'statistic', x.statistic, want.statistic);
    check(drift, 'period', x.period, want.period);
    check(drift, 'evaluationPeriods', x.evaluationPeriods, want.evaluationPeriods);
    check(drift, 'threshold', x.threshold, want.threshold);
    check(drift, 'comparisonOperator', x.comparisonOperator, want.comparisonOperator);
    check(drift, 'treatMissingData', x.treatMissingData, want.treatMissingData);
    const sameActions =
      x.alarmActions.length === want.alarmActions.length &&
      want.alarmActions.every((arn) => x.alarmActions.includes(arn));
    check(drift, 'alarmActions', x.alarmActions, want.alarmActions, sameActions);
    check(drift, 'actionsEnabled', x.actionsEnabled, want.actionsEnabled);
    check(drift, 'dimensions', x.dimensions, 0);
    add('alarm', want.alarmName, want.alarmName, want, drift);
  }
}

/** SNS lists an unconfirmed subscription with the placeholder `PendingConfirmation` for its ARN. */
export function isPendingArn(arn: string | undefined): boolean {
  return !arn || !arn.startsWith('arn:');
}

/**
 * E-mail subscriptions on our topic whose address left alarmEmails: confirmed ones are deleted
 * (else the person keeps receiving security alarms); an unconfirmed one has no ARN to delete,
 * so it is reported until AWS drops it. Other protocols were never created by iam-gitops.
 */
function planRemovedSubscriptions(
  d: DesiredBaseline,
  subscriptions: ActualSubscription[],
  remove: Remove,
  pending: PendingSubscription[],
) {
  const wanted = new Set(d.emails.map((e) => e.toLowerCase()));
  const seen = new Set<string>();
  for (const s of subscriptions) {
    const email = s.endpoint.toLowerCase();
    if (s.protocol !== 'email' || wanted.has(email) || seen.has(email)) continue;
    // Every address iam-gitops subscribed passed isEmail in iam-gitops.yml; anything else is not
    // ours, and its text (read from AWS) never reaches the plan.
    if (!isEmail(s.endpoint)) continue;
    seen.add(email);
    if (isPendingArn(s.subscriptionArn)) {
      pending.push({ address: maskEmail(s.endpoint), removed: true });
      continue;
    }
    remove('subscription', s.endpoint, maskEmail(s.endpoint), {
      topicArn: d.topic.topicArn,
      subscriptionArn: s.subscriptionArn,
      endpoint: s.endpoint,
    });
  }
}

const CATALOG = new Set(ALL_FILTERS.map((f) => f.name));

/**
 * Filters and alarms the config no longer asks for (an alarm set removed from `alarms`). Only
 * what iam-gitops made goes: alarms carrying managed-by=iam-gitops (PutMetricAlarm tags every
 * alarm it writes), and filters that cannot be tagged but are a catalog name writing the metric
 * of that name into our namespace in our log group. A same-named resource of anyone else stays.
 */
function planRemovals(d: DesiredBaseline, a: ActualMonitoring, remove: Remove) {
  const wantedFilters = new Set(d.filters.map((f) => f.filterName));
  for (const f of a.metricFilters) {
    if (wantedFilters.has(f.name) || !CATALOG.has(f.name) || f.logGroup !== d.logGroup.logGroup) continue;
    const ours =
      f.transformations.length === 1 &&
      f.transformations[0]!.metricName === f.name &&
      f.transformations[0]!.metricNamespace === d.namespace;
    if (!ours) continue;
    remove('metric-filter', f.name, f.name, {
      filterName: f.name,
      logGroup: f.logGroup,
      namespace: d.namespace,
    });
  }
  const wantedAlarms = new Set(d.alarms.map((x) => x.alarmName));
  for (const x of a.alarms) {
    if (wantedAlarms.has(x.name) || x.tags?.[MANAGED_TAG.key] !== MANAGED_TAG.value) continue;
    remove('alarm', x.name, x.name, { alarmName: x.name });
  }
}

const STEP: ChangeType[] = [
  'bucket',
  'kms-key',
  'log-group',
  'role',
  'trail',
  'topic',
  'subscription',
  'metric-filter',
  'alarm',
];

/** Orders by §1 and links each operation to the planned operations it needs. */
function withDependencies(ops: Operation[]): Operation[] {
  const sorted = [...ops].sort((x, y) => STEP.indexOf(x.type) - STEP.indexOf(y.type));
  const ids = (type: ChangeType) => sorted.filter((o) => o.type === type).map((o) => o.id);
  for (const op of sorted) {
    const deps: string[] = [];
    switch (op.type) {
      case 'role':
        deps.push(...ids('log-group'));
        break;
      case 'trail':
        deps.push(...ids('bucket'), ...ids('kms-key'), ...ids('log-group'), ...ids('role'));
        break;
      case 'subscription':
        if (op.action !== 'delete') deps.push(...ids('topic'));
        break;
      case 'metric-filter':
        if (op.action !== 'delete') deps.push(...ids('log-group'), ...ids('trail'));
        break;
      case 'alarm': {
        if (op.action === 'delete') break;
        const filterId = `metric-filter:${String(op.details.alarmName)}`;
        deps.push(...ids('topic'), ...ids('metric-filter').filter((id) => id === filterId));
        break;
      }
      default:
        break;
    }
    op.dependsOn = deps;
  }
  return sorted;
}
