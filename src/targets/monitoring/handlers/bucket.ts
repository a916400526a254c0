/** The trail bucket: created, public access blocked, encrypted, CloudTrail-only TLS policy, tagged. */
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  PutBucketEncryptionCommand,
  PutBucketLoggingCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import type { OperationHandler } from '../../../apply/types.js';
import { hasCode, orMissing, tagMap } from '../aws-errors.js';
import type { DesiredBaseline } from '../desired.js';
import { detailsOf, needs, toTagList } from './util.js';

export const bucketHandler: OperationHandler = async (op, ctx) => {
  const d = detailsOf<DesiredBaseline['bucket']>(op);
  const s3 = ctx.clients.s3;
  if (op.action === 'create') {
    try {
      await s3.send(
        new CreateBucketCommand({
          Bucket: d.bucket,
          // us-east-1 is the default location and rejects an explicit constraint.
          ...(d.region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: d.region as BucketLocationConstraint } }),
        }),
      );
    } catch (err) {
      if (hasCode(err, 'BucketAlreadyExists')) {
        throw new Error(
          `bucket "${d.bucket}" is taken by another AWS account: set monitoring.bucket in iam-gitops.yml to another name`,
        );
      }
      if (!hasCode(err, 'BucketAlreadyOwnedByYou')) throw err;
    }
  }
  if (needs(op, 'publicAccessBlock')) {
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: d.bucket,
        PublicAccessBlockConfiguration: d.publicAccessBlock,
      }),
    );
  }
  if (needs(op, 'encryption')) {
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: d.bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: d.encryption } }],
        },
      }),
    );
  }
  if (needs(op, 'policy')) {
    await s3.send(new PutBucketPolicyCommand({ Bucket: d.bucket, Policy: JSON.stringify(d.policy) }));
  }
  if (d.accessLogging && needs(op, 'accessLogging')) {
    // S3 refuses unless the target bucket lets logging.s3.amazonaws.com write (docs/file-formats.md).
    await s3.send(
      new PutBucketLoggingCommand({
        Bucket: d.bucket,
        BucketLoggingStatus: {
          LoggingEnabled: {
            TargetBucket: d.accessLogging.targetBucket,
            TargetPrefix: d.accessLogging.targetPrefix,
          },
        },
      }),
    );
  }
  if (needs(op, 'tags')) {
    // PutBucketTagging replaces the whole set: keep the tags others put there.
    const current = await orMissing(() => s3.send(new GetBucketTaggingCommand({ Bucket: d.bucket })), null, [
      'NoSuchTagSet',
    ]);
    const merged = { ...tagMap(current?.TagSet), ...d.tags };
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: d.bucket,
        Tagging: { TagSet: toTagList(merged) },
      }),
    );
  }
  ctx.log(`trail bucket ${d.bucket}: ${op.action === 'create' ? 'created' : 'repaired'}`);
  return { status: 'done' };
};
