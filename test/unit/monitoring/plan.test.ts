import { planMonitoring } from '../../../src/targets/monitoring/index.js';
import { desiredBaseline } from '../../../src/targets/monitoring/desired.js';
import type { ActualMonitoring } from '../../../src/targets/monitoring/actual.js';
import { ALL_FILTERS } from '../../../src/targets/monitoring/filters.js';
import { monitoringConfig } from './support.js';

const ctx = { accountId: '111122223333', region: 'eu-west-1', adopt: false };
const MANAGED = { 'managed-by': 'iam-gitops' };

/** What the account looks like once the baseline for `config` has been applied. */
function converged(config = monitoringConfig()): ActualMonitoring {
  const d = desiredBaseline(config, ctx);
  return {
    bucket: {
      name: d.bucket.bucket,
      foreign: false,
      tags: { ...MANAGED, team: 'secops' },
      policy: structuredClone(d.bucket.policy),
      publicAccessBlock: { ...d.bucket.publicAccessBlock },
      encryption: 'AES256',
    },
    logGroup: {
      name: config.logGroup,
      arn: d.logGroup.arn,
      retentionDays: config.retentionDays,
      tags: { ...MANAGED },
    },
    role: {
      name: d.role.roleName,
      arn: d.role.arn,
      trustPolicy: structuredClone(d.role.trustPolicy),
      policy: structuredClone(d.role.policy),
      tags: { ...MANAGED },
    },
    trail: {
      name: config.trailName,
      arn: d.trail.arn,
      homeRegion: ctx.region,
      s3BucketName: d.bucket.bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      logFileValidationEnabled: true,
      cloudWatchLogsLogGroupArn: d.trail.cloudWatchLogsLogGroupArn,
      cloudWatchLogsRoleArn: d.role.arn,
      isLogging: true,
      eventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [],
          ExcludeManagementEventSources: [],
        },
      ],
      advancedEventSelectors: 0,
      tags: { ...MANAGED },
    },
    topic: {
      arn: d.topic.topicArn,
      policy: structuredClone(d.topic.policy),
      tags: { ...MANAGED },
      subscriptions: config.alarmEmails.map((endpoint) => ({
        endpoint,
        protocol: 'email',
        subscriptionArn: `${d.topic.topicArn}:0000`,
      })),
    },
    metricFilters: d.filters.map((f) => ({
      name: f.filterName,
      logGroup: f.logGroup,
      pattern: f.pattern,
      transformations: [{ metricName: f.metricName, metricNamespace: f.namespace, metricValue: '1' }],
    })),
    alarms: d.alarms.map((a) => ({
      name: a.alarmName,
      description: a.description,
      metricName: a.metricName,
      namespace: a.namespace,
      statistic: 'Sum',
      period: a.period,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [...a.alarmActions],
      actionsEnabled: true,
      dimensions: 0,
    })),
  };
}

const driftOf = (op: { details: Record<string, unknown> }) =>
  (op.details.drift as Array<{ field: string }>).map((d) => d.field);

function planWith(mutate: (a: ActualMonitoring) => void, config = monitoringConfig(), adopt = false) {
  const actual = converged(config);
  mutate(actual);
  return planMonitoring(config, actual, { ...ctx, adopt });
}

describe('create everything', () => {
  const plan = planMonitoring(monitoringConfig(), null, ctx);

  test('one operation per resource, in the order of the baseline, all creates', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.operations).toHaveLength(40);
    expect(plan.operations.slice(0, 6).map((o) => o.id)).toEqual([
      'bucket:iam-gitops-trail-111122223333-eu-west-1',
      'log-group:/iam-gitops/cloudtrail',
      'role:iam-gitops-cloudtrail-logs',
      'trail:iam-gitops',
      'topic:iam-gitops-alarms',
      'subscription:secops@example.com',
    ]);
    expect(plan.operations.slice(6, 23).every((o) => o.type === 'metric-filter')).toBe(true);
    expect(plan.operations.slice(23).every((o) => o.type === 'alarm')).toBe(true);
    expect(plan.operations.every((o) => o.action === 'create' && !('drift' in o.details))).toBe(true);
  });

  test('dependencies point backwards and follow what each step needs', () => {
    const position = new Map(plan.operations.map((o, i) => [o.id, i]));
    for (const op of plan.operations) {
      for (const dep of op.dependsOn) expect(position.get(dep)).toBeLessThan(position.get(op.id)!);
    }
    const byId = new Map(plan.operations.map((o) => [o.id, o]));
    expect(byId.get('trail:iam-gitops')!.dependsOn).toEqual([
      'bucket:iam-gitops-trail-111122223333-eu-west-1',
      'log-group:/iam-gitops/cloudtrail',
      'role:iam-gitops-cloudtrail-logs',
    ]);
    expect(byId.get('subscription:secops@example.com')!.dependsOn).toEqual(['topic:iam-gitops-alarms']);
    expect(byId.get('alarm:iam-gitops-cis-4.3-root-usage')!.dependsOn).toEqual([
      'topic:iam-gitops-alarms',
      'metric-filter:iam-gitops-cis-4.3-root-usage',
    ]);
  });

  test('details carry the exact settings as plain JSON', () => {
    const byId = new Map(plan.operations.map((o) => [o.id, o]));
    const trail = byId.get('trail:iam-gitops')!.details;
    expect(trail).toMatchObject({
      s3BucketName: 'iam-gitops-trail-111122223333-eu-west-1',
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      cloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:/iam-gitops/cloudtrail:*',
      cloudWatchLogsRoleArn: 'arn:aws:iam::111122223333:role/iam-gitops-cloudtrail-logs',
      homeRegion: 'eu-west-1',
    });
    const filter = byId.get('metric-filter:iam-gitops-cis-4.1-unauthorized-api-calls')!.details;
    expect(filter).toMatchObject({
      set: 'cis',
      item: '4.1',
      mode: 'cis-exact',
      namespace: 'IAMGitOps',
      metricValue: '1',
    });
    expect(filter.pattern).toBe(ALL_FILTERS.find((f) => f.item === '4.1')!.pattern);
    expect(byId.get('metric-filter:iam-gitops-console-login-failures')!.details.set).toBe('custom');
    expect(byId.get('alarm:iam-gitops-s3-bucket-changes')!.details).toMatchObject({
      set: 'custom',
      period: 300,
      alarmActions: ['arn:aws:sns:eu-west-1:111122223333:iam-gitops-alarms'],
    });
    // Round-trips through JSON unchanged: nothing but plain values for the plan hash.
    expect(JSON.parse(JSON.stringify(plan.operations))).toEqual(plan.operations);
    // Reviewers see the address masked; the executor gets it in details.
    const sub = byId.get('subscription:secops@example.com')!;
    expect(sub.name).toBe('s***@example.com');
    expect(sub.details).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:iam-gitops-alarms',
      protocol: 'email',
      endpoint: 'secops@example.com',
    });
  });

  test('an explicit bucket, namespace, period and a subset of alarms', () => {
    const p = planMonitoring(
      monitoringConfig({
        bucket: 'my-trail',
        namespace: 'CISBenchmark',
        period: 60,
        alarms: ['s3-bucket-changes'],
      }),
      null,
      ctx,
    );
    expect(p.operations.filter((o) => o.type === 'metric-filter').map((o) => o.id)).toEqual([
      'metric-filter:iam-gitops-s3-bucket-changes',
    ]);
    expect(p.operations[0]!.id).toBe('bucket:my-trail');
    const alarm = p.operations.find((o) => o.type === 'alarm')!;
    expect(alarm.details).toMatchObject({ namespace: 'CISBenchmark', period: 60 });
  });

  test('several addresses give one subscription each, duplicates once', () => {
    const p = planMonitoring(monitoringConfig({ alarmEmails: ['a@x.io', 'b@x.io', 'a@x.io'] }), null, ctx);
    expect(p.operations.filter((o) => o.type === 'subscription').map((o) => o.id)).toEqual([
      'subscription:a@x.io',
      'subscription:b@x.io',
    ]);
  });
});

test('nothing to do when the account matches: every resource counted unchanged, by type', () => {
  expect(planMonitoring(monitoringConfig(), converged(), ctx)).toEqual({
    operations: [],
    errors: [],
    unchanged: 40,
    unchangedByType: {
      bucket: 1,
      'log-group': 1,
      role: 1,
      trail: 1,
      topic: 1,
      subscription: 1,
      'metric-filter': 17,
      alarm: 17,
    },
    pending: [],
  });
});

test('a drifted or missing resource is planned, not counted unchanged', () => {
  const plan = planWith((a) => {
    a.trail!.isLogging = false;
    a.alarms.pop();
    a.topic!.subscriptions = [];
  });
  expect(plan.operations.map((o) => o.type).sort()).toEqual(['alarm', 'subscription', 'trail']);
  expect(plan.unchanged).toBe(37);
  expect(plan.unchangedByType).toMatchObject({ alarm: 16, 'metric-filter': 17 });
  expect(plan.unchangedByType.trail).toBeUndefined();
  expect(plan.unchangedByType.subscription).toBeUndefined();
});

test('disabled monitoring plans nothing, whatever the account holds', () => {
  const off = monitoringConfig({ enabled: false });
  const none = { operations: [], errors: [], unchanged: 0, unchangedByType: {}, pending: [] };
  expect(planMonitoring(off, null, ctx)).toEqual(none);
  const broken = converged();
  broken.trail!.isLogging = false;
  expect(planMonitoring(off, broken, ctx)).toEqual(none);
});

describe('each drift kind is an update naming the drifted fields', () => {
  test.each([
    ['bucket policy', (a: ActualMonitoring) => (a.bucket!.policy = null), 'bucket', ['policy']],
    [
      'bucket public access',
      (a: ActualMonitoring) => (a.bucket!.publicAccessBlock!.BlockPublicPolicy = false),
      'bucket',
      ['publicAccessBlock'],
    ],
    ['bucket encryption', (a: ActualMonitoring) => (a.bucket!.encryption = null), 'bucket', ['encryption']],
    ['retention', (a: ActualMonitoring) => (a.logGroup!.retentionDays = 30), 'log-group', ['retentionDays']],
    [
      'no retention',
      (a: ActualMonitoring) => (a.logGroup!.retentionDays = null),
      'log-group',
      ['retentionDays'],
    ],
    [
      'role trust',
      (a: ActualMonitoring) => (a.role!.trustPolicy = { Version: '2012-10-17', Statement: [] }),
      'role',
      ['trustPolicy'],
    ],
    ['role policy gone', (a: ActualMonitoring) => (a.role!.policy = null), 'role', ['policy']],
    [
      'not multi-region',
      (a: ActualMonitoring) => (a.trail!.isMultiRegionTrail = false),
      'trail',
      ['isMultiRegionTrail'],
    ],
    ['logging stopped', (a: ActualMonitoring) => (a.trail!.isLogging = false), 'trail', ['isLogging']],
    [
      'global events and validation off',
      (a: ActualMonitoring) => {
        a.trail!.includeGlobalServiceEvents = false;
        a.trail!.logFileValidationEnabled = false;
      },
      'trail',
      ['includeGlobalServiceEvents', 'enableLogFileValidation'],
    ],
    [
      'trail not wired to Logs',
      (a: ActualMonitoring) => {
        a.trail!.cloudWatchLogsLogGroupArn = null;
        a.trail!.cloudWatchLogsRoleArn = null;
      },
      'trail',
      ['cloudWatchLogsLogGroupArn', 'cloudWatchLogsRoleArn'],
    ],
    [
      'other bucket',
      (a: ActualMonitoring) => (a.trail!.s3BucketName = 'elsewhere'),
      'trail',
      ['s3BucketName'],
    ],
    [
      'kms excluded from management events',
      (a: ActualMonitoring) =>
        (a.trail!.eventSelectors[0]!.ExcludeManagementEventSources = ['kms.amazonaws.com']),
      'trail',
      ['eventSelectors'],
    ],
    [
      'write-only selectors',
      (a: ActualMonitoring) => (a.trail!.eventSelectors[0]!.ReadWriteType = 'WriteOnly'),
      'trail',
      ['eventSelectors'],
    ],
    [
      'advanced selectors',
      (a: ActualMonitoring) => (a.trail!.advancedEventSelectors = 1),
      'trail',
      ['eventSelectors'],
    ],
    ['topic policy', (a: ActualMonitoring) => (a.topic!.policy = null), 'topic', ['policy']],
    [
      'changed filter pattern',
      (a: ActualMonitoring) =>
        (a.metricFilters[3]!.pattern = a.metricFilters[3]!.pattern.replace(' && ', ' || ')),
      'metric-filter',
      ['pattern'],
    ],
    [
      'whitespace-only pattern change',
      (a: ActualMonitoring) =>
        (a.metricFilters[2]!.pattern = a.metricFilters[2]!.pattern.replace('{(', '{ (')),
      'metric-filter',
      ['pattern'],
    ],
    [
      'filter namespace',
      (a: ActualMonitoring) => (a.metricFilters[0]!.transformations[0]!.metricNamespace = 'Other'),
      'metric-filter',
      ['metricTransformation'],
    ],
    ['alarm threshold 3', (a: ActualMonitoring) => (a.alarms[5]!.threshold = 3), 'alarm', ['threshold']],
    [
      'alarm without action, disabled, Average',
      (a: ActualMonitoring) => {
        a.alarms[0]!.alarmActions = [];
        a.alarms[0]!.actionsEnabled = false;
        a.alarms[0]!.statistic = 'Average';
      },
      'alarm',
      ['statistic', 'alarmActions', 'actionsEnabled'],
    ],
    [
      'alarm missing data breaching, period',
      (a: ActualMonitoring) => {
        a.alarms[1]!.treatMissingData = 'missing';
        a.alarms[1]!.period = 60;
      },
      'alarm',
      ['period', 'treatMissingData'],
    ],
  ])('%s', (_label, mutate, type, fields) => {
    const plan = planWith(mutate);
    expect(plan.errors).toEqual([]);
    expect(plan.operations.map((o) => [o.type, o.action, driftOf(o)])).toEqual([[type, 'update', fields]]);
  });

  test('a drift entry holds the actual and the desired value', () => {
    const plan = planWith((a) => (a.logGroup!.retentionDays = 90));
    expect(plan.operations[0]!.details).toMatchObject({
      retentionDays: 365,
      drift: [{ field: 'retentionDays', actual: 90, desired: 365 }],
    });
  });

  test('a stronger bucket encryption is not drift; extra tags are kept', () => {
    expect(planWith((a) => (a.bucket!.encryption = 'aws:kms')).operations).toEqual([]);
    expect(planWith((a) => (a.logGroup!.tags.owner = 'secops')).operations).toEqual([]);
  });

  test('a policy returned with single-element lists and other key order is the same policy', () => {
    const plan = planWith((a) => {
      const st = (a.role!.policy!.Statement as Array<Record<string, unknown>>)[0]!;
      a.role!.policy = {
        Statement: [{ Resource: [st.Resource], Action: st.Action, Effect: 'Allow', Sid: st.Sid }],
        Version: '2012-10-17',
      };
    });
    expect(plan.operations).toEqual([]);
  });

  test('missing resources among existing ones are creates, dependent on what is planned', () => {
    const plan = planWith((a) => {
      a.metricFilters = a.metricFilters.filter(
        (f) => f.name !== 'iam-gitops-cis-4.7-cmk-disable-or-deletion',
      );
      a.alarms = a.alarms.filter((x) => x.name !== 'iam-gitops-cis-4.7-cmk-disable-or-deletion');
    });
    expect(plan.operations.map((o) => [o.id, o.action, o.dependsOn])).toEqual([
      ['metric-filter:iam-gitops-cis-4.7-cmk-disable-or-deletion', 'create', []],
      [
        'alarm:iam-gitops-cis-4.7-cmk-disable-or-deletion',
        'create',
        ['metric-filter:iam-gitops-cis-4.7-cmk-disable-or-deletion'],
      ],
    ]);
  });
});

describe('subscriptions', () => {
  test('an address that is pending confirmation is not subscribed again, and reported pending, not unchanged', () => {
    const plan = planWith((a) => (a.topic!.subscriptions[0]!.subscriptionArn = 'PendingConfirmation'));
    expect(plan.operations).toEqual([]);
    expect(plan.pending).toEqual([{ address: 's***@example.com' }]);
    expect(plan.unchanged).toBe(39);
    expect(plan.unchangedByType.subscription).toBeUndefined();
  });

  test('a removed address is unsubscribed by its ARN; a removed pending one is reported; other protocols stay', () => {
    const config = monitoringConfig({ alarmEmails: ['secops@example.com'] });
    const plan = planWith((a) => {
      const topic = a.topic!.arn;
      a.topic!.subscriptions.push(
        { endpoint: 'Former@example.com', protocol: 'email', subscriptionArn: `${topic}:1111` },
        { endpoint: 'new-hire@example.com', protocol: 'email', subscriptionArn: 'PendingConfirmation' },
        { endpoint: 'https://pager.example/hook', protocol: 'https', subscriptionArn: `${topic}:2222` },
        { endpoint: 'ops-queue', protocol: 'sqs', subscriptionArn: `${topic}:3333` },
        // Not an address iam-gitops could have subscribed: never planned, its text never shown.
        { endpoint: 'x@evil.example\n\n# Approved', protocol: 'email', subscriptionArn: `${topic}:4444` },
      );
    }, config);
    expect(plan.errors).toEqual([]);
    expect(plan.operations).toEqual([
      {
        id: 'subscription:Former@example.com',
        action: 'delete',
        type: 'subscription',
        name: 'F***@example.com',
        details: {
          topicArn: 'arn:aws:sns:eu-west-1:111122223333:iam-gitops-alarms',
          subscriptionArn: 'arn:aws:sns:eu-west-1:111122223333:iam-gitops-alarms:1111',
          endpoint: 'Former@example.com',
        },
        dependsOn: [],
      },
    ]);
    expect(plan.pending).toEqual([{ address: 'n***@example.com', removed: true }]);
  });

  test('subscriptions on a topic that is not ours are never removed', () => {
    const plan = planWith((a) => {
      a.topic!.tags = {};
      a.topic!.subscriptions.push({
        endpoint: 'someone@example.com',
        protocol: 'email',
        subscriptionArn: `${a.topic!.arn}:9`,
      });
    });
    expect(plan.operations.filter((o) => o.action === 'delete')).toEqual([]);
    expect(plan.errors.join('\n')).toMatch(/SNS topic "iam-gitops-alarms" exists but is not managed/);
  });

  test('a dropped subscription and a new address are subscribed; case does not matter', () => {
    const config = monitoringConfig({ alarmEmails: ['SecOps@example.com', 'oncall@example.com'] });
    const actual = converged(monitoringConfig());
    const plan = planMonitoring(config, actual, ctx);
    expect(plan.operations.map((o) => o.id)).toEqual(['subscription:oncall@example.com']);
    actual.topic!.subscriptions = [];
    expect(planMonitoring(config, actual, ctx).operations.map((o) => o.id)).toEqual([
      'subscription:SecOps@example.com',
      'subscription:oncall@example.com',
    ]);
  });

  test('an sms subscription to the same text does not count', () => {
    const plan = planWith((a) => (a.topic!.subscriptions[0]!.protocol = 'email-json'));
    expect(plan.operations.map((o) => o.id)).toEqual(['subscription:secops@example.com']);
  });
});

describe('removing what the config no longer asks for', () => {
  // The custom sets are dropped; the account still holds their filters and alarms.
  const config = monitoringConfig({ alarms: ['cis'] });
  const full = () => converged(monitoringConfig());
  const customNames = ['iam-gitops-console-login-failures', 'iam-gitops-s3-bucket-changes'];

  test('managed alarms and our filters of a removed set are deleted, before nothing else needs them', () => {
    const actual = full();
    for (const a of actual.alarms) if (customNames.includes(a.name)) a.tags = { ...MANAGED };
    const plan = planMonitoring(config, actual, ctx);
    expect(plan.errors).toEqual([]);
    expect(plan.operations.map((o) => [o.action, o.id, o.dependsOn])).toEqual([
      ['delete', 'metric-filter:iam-gitops-console-login-failures', []],
      ['delete', 'metric-filter:iam-gitops-s3-bucket-changes', []],
      ['delete', 'alarm:iam-gitops-console-login-failures', []],
      ['delete', 'alarm:iam-gitops-s3-bucket-changes', []],
    ]);
    expect(plan.operations[0]!.details).toEqual({
      filterName: 'iam-gitops-console-login-failures',
      logGroup: '/iam-gitops/cloudtrail',
      namespace: 'IAMGitOps',
    });
    expect(plan.operations[2]!.details).toEqual({ alarmName: 'iam-gitops-console-login-failures' });
    expect(plan.unchangedByType).toMatchObject({ alarm: 15, 'metric-filter': 15 });
  });

  test('a same-named alarm without managed-by, or a filter writing another namespace, is never touched', () => {
    const actual = full();
    for (const a of actual.alarms) {
      if (a.name === customNames[0]) a.tags = { owner: 'secops' };
      if (a.name === customNames[1]) a.tags = { 'managed-by': 'terraform' };
    }
    for (const f of actual.metricFilters) {
      if (customNames.includes(f.name)) f.transformations[0]!.metricNamespace = 'SecOps';
    }
    // Prefixed names outside the catalog are not ours either, even in our namespace.
    actual.metricFilters.push({
      name: 'iam-gitops-root-keys',
      logGroup: '/iam-gitops/cloudtrail',
      pattern: '{ $.x = 1 }',
      transformations: [
        { metricName: 'iam-gitops-root-keys', metricNamespace: 'IAMGitOps', metricValue: '1' },
      ],
    });
    const plan = planMonitoring(config, actual, ctx);
    expect(plan.operations).toEqual([]);
    expect(plan.errors).toEqual([]);
  });

  test('an alarm whose tags were not read is not deleted', () => {
    const plan = planMonitoring(config, full(), ctx);
    expect(plan.operations.filter((o) => o.type === 'alarm')).toEqual([]);
  });

  test('removing every set removes all 17 filters and 17 managed alarms', () => {
    const actual = full();
    for (const a of actual.alarms) a.tags = { ...MANAGED };
    const plan = planMonitoring(monitoringConfig({ alarms: [] }), actual, ctx);
    expect(plan.operations.filter((o) => o.action === 'delete' && o.type === 'metric-filter')).toHaveLength(
      17,
    );
    expect(plan.operations.filter((o) => o.action === 'delete' && o.type === 'alarm')).toHaveLength(17);
  });
});

describe('trail encryption and access logging', () => {
  const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const ALIAS_ARN = 'arn:aws:kms:eu-west-1:111122223333:alias/iam-gitops-cloudtrail';

  test('kmsKey create: the key comes before the trail, with the CloudTrail key policy and rotation', () => {
    const config = monitoringConfig({ kmsKey: 'create' });
    const plan = planMonitoring(config, null, ctx);
    const key = plan.operations.find((o) => o.type === 'kms-key')!;
    const trail = plan.operations.find((o) => o.type === 'trail')!;
    expect(key).toMatchObject({ id: 'kms-key:alias/iam-gitops-cloudtrail', action: 'create' });
    expect(trail.dependsOn).toContain(key.id);
    expect(plan.operations.indexOf(key)).toBeLessThan(plan.operations.indexOf(trail));
    expect(trail.details.kmsKeyId).toBe(ALIAS_ARN);
    const policy = key.details.policy as { Statement: Array<Record<string, unknown>> };
    const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    expect(bySid.AccountAdministersKeyThroughIam).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'kms:*',
    });
    expect(bySid.CloudTrailEncryptsThisTrail).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Condition: {
        StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/iam-gitops' },
        StringLike: {
          'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111122223333:trail/*',
        },
      },
    });
    expect(bySid.AccountDecryptsTrailLogs).toMatchObject({
      Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } },
    });
    expect(key.details.rotation).toBe(true);
  });

  function withKey(config = monitoringConfig({ kmsKey: 'create' })) {
    const actual = converged(config);
    const d = desiredBaseline(config, ctx);
    actual.kmsKey = {
      arn: KEY_ARN,
      keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      state: 'Enabled',
      policy: structuredClone(d.kmsKey!.policy),
      rotation: true,
    };
    // AWS answers the key ARN for a trail given the alias.
    actual.trail!.kmsKeyId = KEY_ARN;
    return { config, actual };
  }

  test('a converged key and encrypted trail plan nothing; the key counts unchanged', () => {
    const { config, actual } = withKey();
    const plan = planMonitoring(config, actual, ctx);
    expect(plan.operations).toEqual([]);
    expect(plan.errors).toEqual([]);
    expect(plan.unchangedByType['kms-key']).toBe(1);
    // The emulator echoes the alias ARN: also the same.
    actual.trail!.kmsKeyId = ALIAS_ARN;
    expect(planMonitoring(config, actual, ctx).operations).toEqual([]);
  });

  test('rotation turned off is an update; a rewritten policy or a disabled key is an error', () => {
    const { config, actual } = withKey();
    actual.kmsKey!.rotation = false;
    const plan = planMonitoring(config, actual, ctx);
    expect(plan.operations.map((o) => [o.id, o.action, driftOf(o)])).toEqual([
      ['kms-key:alias/iam-gitops-cloudtrail', 'update', ['rotation']],
    ]);
    expect(plan.operations[0]!.details.keyId).toBe('1234abcd-12ab-34cd-56ef-1234567890ab');
    actual.kmsKey!.policy = { Version: '2012-10-17', Statement: [] };
    expect(planMonitoring(config, actual, ctx).errors.join('\n')).toMatch(
      /KMS key alias\/iam-gitops-cloudtrail .* has a key policy iam-gitops did not write: an administrator restores it/,
    );
    actual.kmsKey!.state = 'PendingDeletion';
    expect(planMonitoring(config, actual, ctx).errors.join('\n')).toMatch(
      /is PendingDeletion: CloudTrail cannot encrypt/,
    );
  });

  test('a given key ARN plans no key, and a trail without it is drift', () => {
    const config = monitoringConfig({ kmsKey: KEY_ARN });
    const actual = converged(config);
    const plan = planMonitoring(config, actual, ctx);
    expect(plan.operations.map((o) => [o.id, driftOf(o)])).toEqual([['trail:iam-gitops', ['kmsKeyId']]]);
    expect(plan.operations[0]!.details.kmsKeyId).toBe(KEY_ARN);
    actual.trail!.kmsKeyId = KEY_ARN;
    expect(planMonitoring(config, actual, ctx).operations).toEqual([]);
  });

  test('without kmsKey, a trail someone encrypted is left as it is', () => {
    const plan = planWith((a) => (a.trail!.kmsKeyId = KEY_ARN));
    expect(plan.operations).toEqual([]);
  });

  test('accessLogBucket: logging off or elsewhere is bucket drift; into the trail bucket itself is an error', () => {
    const config = monitoringConfig({ accessLogBucket: 'access-logs' });
    const actual = converged(config);
    actual.bucket!.accessLogging = null;
    const plan = planMonitoring(config, actual, ctx);
    expect(plan.operations.map((o) => [o.id, driftOf(o)])).toEqual([
      ['bucket:iam-gitops-trail-111122223333-eu-west-1', ['accessLogging']],
    ]);
    expect(plan.operations[0]!.details.accessLogging).toEqual({
      targetBucket: 'access-logs',
      targetPrefix: 's3-access/iam-gitops-trail-111122223333-eu-west-1/',
    });
    actual.bucket!.accessLogging = {
      targetBucket: 'access-logs',
      targetPrefix: 's3-access/iam-gitops-trail-111122223333-eu-west-1/',
    };
    expect(planMonitoring(config, actual, ctx).operations).toEqual([]);
    const self = monitoringConfig({ accessLogBucket: 'iam-gitops-trail-111122223333-eu-west-1' });
    expect(planMonitoring(self, null, ctx).errors.join('\n')).toMatch(/is the trail bucket itself/);
  });
});

describe('ownership', () => {
  test.each([
    [
      'bucket',
      (a: ActualMonitoring) => (a.bucket!.tags = {}),
      /^trail bucket "iam-gitops-trail-111122223333-eu-west-1" exists but is not managed/,
    ],
    [
      'log-group',
      (a: ActualMonitoring) => (a.logGroup!.tags = {}),
      /^log group "\/iam-gitops\/cloudtrail" exists but is not managed/,
    ],
    [
      'role',
      (a: ActualMonitoring) => (a.role!.tags = { 'managed-by': 'terraform' }),
      /^CloudTrail delivery role "iam-gitops-cloudtrail-logs"/,
    ],
    [
      'trail',
      (a: ActualMonitoring) => (a.trail!.tags = {}),
      /^trail "iam-gitops" exists but is not managed by iam-gitops/,
    ],
    [
      'topic',
      (a: ActualMonitoring) => (a.topic!.tags = {}),
      /^SNS topic "iam-gitops-alarms" exists but is not managed/,
    ],
  ])('an unmanaged %s is an error without adopt and an adopting update with it', (type, mutate, message) => {
    const refused = planWith(mutate);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatch(message);
    expect(refused.errors[0]).toMatch(/set adopt: true/);
    expect(refused.operations.filter((o) => o.type === type)).toEqual([]);

    const adopted = planWith(mutate, monitoringConfig(), true);
    expect(adopted.errors).toEqual([]);
    expect(adopted.operations.map((o) => [o.type, o.action, o.details.adopt, driftOf(o)])).toEqual([
      [type, 'update', true, ['tags']],
    ]);
  });

  test('a bucket name owned by another account is an error even with adopt', () => {
    for (const adopt of [false, true]) {
      const plan = planWith(
        (a) =>
          (a.bucket = {
            name: a.bucket!.name,
            foreign: true,
            tags: {},
            policy: null,
            publicAccessBlock: null,
            encryption: null,
          }),
        monitoringConfig(),
        adopt,
      );
      expect(plan.errors).toEqual([
        'trail bucket "iam-gitops-trail-111122223333-eu-west-1" belongs to another AWS account: set monitoring.bucket in iam-gitops.yml to a name you own',
      ]);
    }
  });

  test('a same-named trail homed in another region is an error', () => {
    const plan = planWith((a) => {
      a.trail!.homeRegion = 'us-west-2';
      a.trail!.isLogging = null;
    });
    expect(plan.errors).toEqual([
      expect.stringMatching(/^trail "iam-gitops" already exists with home region us-west-2/),
    ]);
    expect(plan.operations).toEqual([]);
  });
});
