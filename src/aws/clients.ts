/**
 * One factory for every AWS client. All clients share a CallLog, the SDK's adaptive retry, and
 * honour AWS_ENDPOINT_URL (how tests point them at the emulator).
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { KMSClient } from '@aws-sdk/client-kms';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CallLog } from './calls.js';

export interface AwsClients {
  iam: IAMClient;
  s3: S3Client;
  ses: SESClient;
  cloudtrail: CloudTrailClient;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
  sts: STSClient;
  kms: KMSClient;
  organizations: OrganizationsClient;
  identitystore: IdentitystoreClient;
  ssoadmin: SSOAdminClient;
  region: string;
  calls: CallLog;
}

/** A hook run on every client after creation; tests use it to add request-capture middleware. */
export type ClientPlugin = (client: AnyClient, service: string) => void;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyClient = { middlewareStack: any; config: any };

export interface ClientOptions {
  region: string;
  /** Fixed keys, or a provider the SDK asks again when the keys near their expiry. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Defaults to AWS_ENDPOINT_URL when set. */
  endpoint?: string;
  /** Defaults to AWS_MAX_ATTEMPTS or 8: throttling and 5xx are retried with adaptive backoff. */
  maxAttempts?: number;
  calls?: CallLog;
  plugins?: ClientPlugin[];
  /** SES region may differ from the main region (`email.region`). */
  sesRegion?: string;
  /** Identity Center's region may differ too (`identityCenter.region`). */
  identityCenterRegion?: string;
}

export function createClients(opts: ClientOptions): AwsClients {
  const calls = opts.calls ?? new CallLog();
  const endpoint = opts.endpoint ?? process.env.AWS_ENDPOINT_URL ?? undefined;
  const maxAttempts = opts.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 8);
  const base = {
    region: opts.region,
    credentials: opts.credentials,
    endpoint,
    maxAttempts,
    retryMode: 'adaptive' as const,
  };
  const wire = <T extends AnyClient>(client: T, service: string): T => {
    client.middlewareStack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any, context: any) => async (args: any) => {
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        calls.record(service, operation, args.input);
        return next(args);
      },
      { step: 'initialize', name: 'iamGitopsCallLog' },
    );
    for (const plugin of opts.plugins ?? []) plugin(client, service);
    return client;
  };
  return {
    iam: wire(new IAMClient(base), 'iam'),
    s3: wire(new S3Client({ ...base, forcePathStyle: Boolean(endpoint) }), 's3'),
    ses: wire(new SESClient({ ...base, region: opts.sesRegion ?? opts.region }), 'ses'),
    cloudtrail: wire(new CloudTrailClient(base), 'cloudtrail'),
    logs: wire(new CloudWatchLogsClient(base), 'logs'),
    cloudwatch: wire(new CloudWatchClient(base), 'cloudwatch'),
    sns: wire(new SNSClient(base), 'sns'),
    sts: wire(new STSClient(base), 'sts'),
    kms: wire(new KMSClient(base), 'kms'),
    // Organizations answers in us-east-1 whatever the account's region (its one endpoint).
    organizations: wire(new OrganizationsClient({ ...base, region: 'us-east-1' }), 'organizations'),
    identitystore: wire(
      new IdentitystoreClient({ ...base, region: opts.identityCenterRegion ?? opts.region }),
      'identitystore',
    ),
    ssoadmin: wire(
      new SSOAdminClient({ ...base, region: opts.identityCenterRegion ?? opts.region }),
      'sso-admin',
    ),
    region: opts.region,
    calls,
  };
}

/** The message of any thrown value, for wrapping with context. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
    return `${name}${err.message}`;
  }
  return String(err);
}

/** The AWS error code of a thrown SDK error (`NoSuchEntity`, `EntityAlreadyExists`, …). */
export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object') {
    const e = err as { name?: string; Code?: string; code?: string };
    return e.Code ?? e.code ?? e.name;
  }
  return undefined;
}
