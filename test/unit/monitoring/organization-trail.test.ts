/**
 * monitoring.organizationTrail: one trail with IsOrganizationTrail in one account, its bucket
 * and delivery role open to the organization's log prefix and streams, every other account
 * planning no baseline; and a single account's baseline exactly as before.
 */
import { planMonitoring, readMonitoring } from '../../../src/targets/monitoring/index.js';
import type { AwsClients } from '../../../src/aws/clients.js';
import { desiredBaseline, OFFLINE_ORGANIZATION_ID } from '../../../src/targets/monitoring/desired.js';
import type { ActualMonitoring } from '../../../src/targets/monitoring/actual.js';
import { desiredFor, organizationTrailAccount } from '../../../src/accounts/project.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import type { AccountConfig, DesiredState } from '../../../src/model/desired.js';
import { monitoringConfig } from './support.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const ORG = 'o-a1b2c3d4e5';
const ctx = { accountId: ACCOUNT, region: REGION, adopt: false };
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/iam-gitops`;
const BUCKET = `iam-gitops-trail-${ACCOUNT}-${REGION}`;
const orgConfig = () => monitoringConfig({ organizationTrail: true, account: 'audit' });

type Statement = { Sid: string; Resource: unknown; Condition?: unknown; Action: unknown };
const statements = (policy: Record<string, unknown>) => policy.Statement as Statement[];

/** An account read with nothing of the baseline yet, in organization `org`. */
function fresh(org: ActualMonitoring['organization']): ActualMonitoring {
  return {
    bucket: null,
    logGroup: null,
    role: null,
    trail: null,
    topic: null,
    metricFilters: [],
    alarms: [],
    organization: org,
  };
}

describe('the desired organization trail', () => {
  const d = desiredBaseline(orgConfig(), { ...ctx, organizationId: ORG });

  test('the trail is an organization trail, multi-region, in the holding account', () => {
    expect(d.trail).toMatchObject({
      arn: TRAIL_ARN,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      s3BucketName: BUCKET,
    });
  });

  test("the bucket lets CloudTrail write the organization's prefix, for this trail only", () => {
    const org = statements(d.bucket.policy).find((s) => s.Sid === 'AWSCloudTrailOrganizationWrite');
    expect(org).toEqual({
      Sid: 'AWSCloudTrailOrganizationWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${ORG}/*`,
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN },
      },
    });
    // The account's own prefix stays (the trail may be turned back into one for this account).
    expect(statements(d.bucket.policy).map((s) => s.Sid)).toEqual([
      'AWSCloudTrailAclCheck',
      'AWSCloudTrailWrite',
      'AWSCloudTrailOrganizationWrite',
      'DenyInsecureTransport',
    ]);
  });

  test("the delivery role accepts the member accounts' streams, named by the organization", () => {
    expect(statements(d.role.policy)[0]!.Resource).toEqual([
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/iam-gitops/cloudtrail:log-stream:${ACCOUNT}_CloudTrail_${REGION}*`,
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/iam-gitops/cloudtrail:log-stream:${ORG}_*`,
    ]);
  });

  test('offline (no organization read) the id is a visible stand-in, like the offline account id', () => {
    const offline = desiredBaseline(orgConfig(), ctx);
    expect(JSON.stringify(offline.bucket.policy)).toContain(`AWSLogs/${OFFLINE_ORGANIZATION_ID}/*`);
  });

  test('without organizationTrail the baseline has no organization statement, stream or flag (plans as before)', () => {
    const single = desiredBaseline(monitoringConfig(), { ...ctx, organizationId: ORG });
    expect('isOrganizationTrail' in single.trail).toBe(false);
    expect(statements(single.bucket.policy).map((s) => s.Sid)).toEqual([
      'AWSCloudTrailAclCheck',
      'AWSCloudTrailWrite',
      'DenyInsecureTransport',
    ]);
    expect(statements(single.role.policy)[0]!.Resource).toBe(
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/iam-gitops/cloudtrail:log-stream:${ACCOUNT}_CloudTrail_${REGION}*`,
    );
  });
});

describe('planning the organization trail', () => {
  test('a fresh holding account plans the organization trail with the id it read', () => {
    const plan = planMonitoring(orgConfig(), fresh({ id: ORG, managementAccountId: ACCOUNT }), ctx);
    expect(plan.errors).toEqual([]);
    const trail = plan.operations.find((o) => o.type === 'trail')!;
    expect(trail.action).toBe('create');
    expect(trail.details.isOrganizationTrail).toBe(true);
    const bucket = plan.operations.find((o) => o.type === 'bucket')!;
    expect(JSON.stringify(bucket.details.policy)).toContain(`AWSLogs/${ORG}/*`);
    // Filters and alarms live with the trail.
    expect(plan.operations.filter((o) => o.type === 'alarm').length).toBeGreaterThan(0);
  });

  test('an account in no organization is refused with the fix, and nothing is planned', () => {
    const plan = planMonitoring(orgConfig(), fresh(null), ctx);
    expect(plan.operations).toEqual([]);
    expect(plan.errors).toEqual([
      `monitoring.organizationTrail: account ${ACCOUNT} belongs to no AWS Organizations organization ` +
        '(DescribeOrganization: AWSOrganizationsNotInUseException); set monitoring.account in iam-gitops.yml to the ' +
        "management account or CloudTrail's delegated administrator, or remove organizationTrail",
    ]);
  });

  /** The account after the baseline for `config` was applied, the trail's organization flag as given. */
  function converged(organizationTrail: boolean, flag: boolean): ActualMonitoring {
    const config = organizationTrail ? orgConfig() : monitoringConfig();
    const d = desiredBaseline(config, { ...ctx, organizationId: ORG });
    const managed = { 'managed-by': 'iam-gitops' };
    return {
      bucket: {
        name: d.bucket.bucket,
        foreign: false,
        tags: managed,
        policy: structuredClone(d.bucket.policy),
        publicAccessBlock: { ...d.bucket.publicAccessBlock },
        encryption: 'AES256',
      },
      logGroup: { name: config.logGroup, arn: d.logGroup.arn, retentionDays: 365, tags: managed },
      role: {
        name: d.role.roleName,
        arn: d.role.arn,
        trustPolicy: structuredClone(d.role.trustPolicy),
        policy: structuredClone(d.role.policy),
        tags: managed,
      },
      trail: {
        name: 'iam-gitops',
        arn: TRAIL_ARN,
        homeRegion: REGION,
        s3BucketName: d.bucket.bucket,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        logFileValidationEnabled: true,
        cloudWatchLogsLogGroupArn: d.trail.cloudWatchLogsLogGroupArn,
        cloudWatchLogsRoleArn: d.trail.cloudWatchLogsRoleArn,
        isLogging: true,
        isOrganizationTrail: flag,
        eventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            DataResources: [],
            ExcludeManagementEventSources: [],
          },
        ],
        advancedEventSelectors: 0,
        tags: managed,
      },
      topic: null,
      metricFilters: [],
      alarms: [],
      ...(organizationTrail ? { organization: { id: ORG, managementAccountId: ACCOUNT } } : {}),
    };
  }

  const trailOp = (config: ReturnType<typeof monitoringConfig>, actual: ActualMonitoring) =>
    planMonitoring(config, actual, ctx).operations.find((o) => o.type === 'trail');

  test('a converged organization trail plans no trail change', () => {
    expect(trailOp(orgConfig(), converged(true, true))).toBeUndefined();
  });

  test('a trail of the account only, where the organization trail is wanted, is updated to one', () => {
    const op = trailOp(orgConfig(), converged(true, false))!;
    expect(op.action).toBe('update');
    expect(op.details.drift).toEqual([{ field: 'isOrganizationTrail', actual: false, desired: true }]);
    expect(op.details.isOrganizationTrail).toBe(true);
  });

  test('organizationTrail turned off: the trail becomes the account’s own again (IsOrganizationTrail false)', () => {
    const op = trailOp(monitoringConfig(), converged(false, true))!;
    expect(op.action).toBe('update');
    expect(op.details.drift).toEqual([{ field: 'isOrganizationTrail', actual: true, desired: false }]);
    expect(op.details.isOrganizationTrail).toBe(false);
  });

  test("a single account's converged trail plans nothing, as before", () => {
    expect(trailOp(monitoringConfig(), converged(false, false))).toBeUndefined();
  });
});

describe('which accounts plan the baseline (desiredFor)', () => {
  const account = (name: string, id: string): AccountConfig => ({
    name,
    id,
    planRole: null,
    applyRole: null,
    region: null,
    source: { file: 'iam-gitops.yml', line: 1 },
  });
  const ALL = ['prod', 'audit', 'dev'];
  function desired(monitoring: Partial<ReturnType<typeof monitoringConfig>>): DesiredState {
    const config = defaultConfig();
    return {
      config: {
        ...config,
        accounts: [
          account('prod', '111111111111'),
          account('audit', '222222222222'),
          account('dev', '333333333333'),
        ],
        defaultAccount: 'prod',
        monitoring: { ...config.monitoring, ...monitoring },
      },
      users: [],
      policies: [],
    };
  }
  const enabledIn = (d: DesiredState) => ALL.filter((a) => desiredFor(d, a, ALL).config.monitoring.enabled);

  test('with organizationTrail only monitoring.account plans the baseline', () => {
    expect(enabledIn(desired({ organizationTrail: true, account: 'audit' }))).toEqual(['audit']);
  });

  test('without monitoring.account the organization trail goes to the default account', () => {
    expect(enabledIn(desired({ organizationTrail: true }))).toEqual(['prod']);
  });

  test('monitoring.account not among the accounts of the run: none plans it, and the caller can tell', () => {
    const d = desired({ organizationTrail: true, account: 'log-archive' });
    expect(enabledIn(d)).toEqual([]);
    expect(organizationTrailAccount(d, ALL)).toBeNull();
    expect(organizationTrailAccount(desired({ organizationTrail: true }), ALL)).toBe('prod');
    expect(organizationTrailAccount(desired({ account: 'audit' }), ALL)).toBeNull();
  });

  test('without organizationTrail every account plans its own baseline', () => {
    expect(enabledIn(desired({}))).toEqual(ALL);
    expect(enabledIn(desired({ enabled: false, organizationTrail: true }))).toEqual([]);
  });
});

describe('reading the organization', () => {
  /** Every service answers empty; Organizations answers `organization`. */
  function clients(organization: unknown): AwsClients {
    const empty = { send: async () => ({}) };
    const calls: string[] = [];
    return {
      region: REGION,
      s3: empty,
      logs: empty,
      iam: empty,
      cloudtrail: empty,
      sns: empty,
      cloudwatch: empty,
      kms: empty,
      organizations: {
        send: async (command: { constructor: { name: string } }) => {
          calls.push(command.constructor.name);
          return organization;
        },
      },
      calls,
    } as unknown as AwsClients;
  }

  test('the id is read once and kept', async () => {
    const c = clients({ Organization: { Id: ORG, MasterAccountId: ACCOUNT } });
    const actual = (await readMonitoring(c, orgConfig(), ACCOUNT)) as ActualMonitoring;
    expect(actual.organization).toEqual({ id: ORG, managementAccountId: ACCOUNT });
    expect((c as unknown as { calls: string[] }).calls).toEqual(['DescribeOrganizationCommand']);
  });

  test('an id of another shape never reaches a policy: the read fails, naming the call', async () => {
    const c = clients({ Organization: { Id: 'o-abc/*"}],"Principal":"*', MasterAccountId: ACCOUNT } });
    await expect(readMonitoring(c, orgConfig(), ACCOUNT)).rejects.toThrow(
      /^reading the organization \(organizations:DescribeOrganization\): DescribeOrganization answered an organization id of unexpected form/,
    );
  });

  test('without organizationTrail the organization is not read', async () => {
    const c = clients({ Organization: { Id: ORG } });
    const actual = (await readMonitoring(c, monitoringConfig(), ACCOUNT)) as ActualMonitoring;
    expect('organization' in actual).toBe(false);
    expect((c as unknown as { calls: string[] }).calls).toEqual([]);
  });
});
