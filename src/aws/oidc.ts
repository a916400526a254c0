/**
 * GitHub OIDC → AWS credentials: the job's ID token (audience sts.amazonaws.com) exchanged with
 * STS AssumeRoleWithWebIdentity. The token source is injected (the action passes
 * core.getIDToken), the exchange is retried with jittered backoff, and every secret is masked
 * the moment it exists.
 */
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { errorCode, errorMessage } from './clients.js';
import { isRetryableError, withRetry, type RetryOptions } from './retry.js';

export const OIDC_AUDIENCE = 'sts.amazonaws.com';
export const DEFAULT_SESSION_NAME = 'iam-gitops';

export interface OidcAssumeOptions {
  roleArn: string;
  region: string;
  /** 2–64 of `A-Z a-z 0-9 _ + = , . @ -`; default `iam-gitops`. A run id ties CloudTrail entries to the run. */
  sessionName?: string;
  durationSeconds?: number;
  /** Returns the job's OIDC ID token for the audience (core.getIDToken in the action). */
  getIdToken(audience: string): Promise<string>;
  maskSecret(value: string): void;
  /** Defaults to a client for `region` that honours AWS_ENDPOINT_URL; tests inject one with capture. */
  sts?: STSClient;
  retry?: RetryOptions;
  log?: (message: string) => void;
}

export interface OidcCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** STS errors that may pass on their own: the identity provider (GitHub) did not answer in time. */
const isRetryableSts = (err: unknown): boolean =>
  isRetryableError(err) || errorCode(err) === 'IDPCommunicationError';

export class OidcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcError';
  }
}

export async function assumeRoleWithOidc(opts: OidcAssumeOptions): Promise<OidcCredentials> {
  const sessionName = opts.sessionName ?? DEFAULT_SESSION_NAME;
  if (!ROLE_ARN.test(opts.roleArn)) {
    throw new OidcError(
      `role-to-assume '${opts.roleArn}' is not an IAM role ARN: expected arn:aws:iam::<12-digit account>:role/<name>`,
    );
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw new OidcError(
      `role session name '${sessionName}' is invalid: use 2–64 characters of letters, digits and _+=,.@-`,
    );
  }

  let token: string;
  try {
    token = await withRetry(() => opts.getIdToken(OIDC_AUDIENCE), { ...opts.retry, isRetryable: () => true });
  } catch (err) {
    throw new OidcError(
      `Could not assume role ${opts.roleArn} with OIDC: no GitHub ID token (${errorMessage(err)}) — did the job grant \`id-token: write\`?`,
    );
  }
  opts.maskSecret(token);

  const sts =
    opts.sts ??
    new STSClient({
      region: opts.region,
      endpoint: process.env.AWS_ENDPOINT_URL || undefined,
      retryMode: 'adaptive',
      maxAttempts: 3,
    });
  try {
    const res = await withRetry(
      () =>
        sts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: opts.roleArn,
            RoleSessionName: sessionName,
            WebIdentityToken: token,
            DurationSeconds: opts.durationSeconds,
          }),
        ),
      {
        ...opts.retry,
        isRetryable: isRetryableSts,
        onRetry: (err, attempt, delay) =>
          opts.log?.(
            `AssumeRoleWithWebIdentity attempt ${attempt} failed (${errorCode(err)}); retrying in ${delay} ms`,
          ),
      },
    );
    const c = res.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new Error('STS returned no credentials');
    }
    opts.maskSecret(c.AccessKeyId);
    opts.maskSecret(c.SecretAccessKey);
    opts.maskSecret(c.SessionToken);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  } catch (err) {
    const hint =
      errorCode(err) === 'AccessDenied' || errorCode(err) === 'InvalidIdentityToken'
        ? 'check the role trust policy (aud sts.amazonaws.com, sub for this repository and environment), and did the job grant `id-token: write`?'
        : 'did the job grant `id-token: write`?';
    throw new OidcError(`Could not assume role ${opts.roleArn} with OIDC: ${errorMessage(err)} — ${hint}`);
  } finally {
    if (!opts.sts) sts.destroy();
  }
}
