/** The values iam-gitops uses for every key iam-gitops.yml leaves out (SPEC §2). */
import type { Config } from '../model/desired.js';

export const DEFAULT_CONFIG_FILE = 'iam-gitops.yml';

export function defaultConfig(): Config {
  return {
    accounts: [],
    defaultAccount: null,
    organization: null,
    hub: null,
    identityCenter: {
      enabled: false,
      region: null,
      instanceArn: null,
      sessionDuration: 'PT8H',
      relayState: null,
      defaultIdentity: 'identity-center',
      portalUrl: null,
    },
    path: '/iam-gitops/',
    permissionsBoundary: null,
    requiredApprovals: 1,
    maxDeletes: 5,
    adopt: false,
    adoptPaths: [],
    groups: {},
    email: { from: null, region: 'us-east-1', signInUrl: null, sendPassword: true },
    monitoring: {
      enabled: true,
      trailName: 'iam-gitops',
      bucket: null,
      logGroup: '/iam-gitops/cloudtrail',
      retentionDays: 365,
      namespace: 'IAMGitOps',
      alarmEmails: [],
      alarms: ['console-login-failures', 's3-bucket-changes', 'cis'],
      period: 300,
      kmsKey: null,
      accessLogBucket: null,
      organizationTrail: false,
      account: null,
    },
    mfa: 'optional',
    lint: { failOn: 'error', ignore: [] },
    source: null,
  };
}
