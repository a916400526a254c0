/**
 * The trail's key when iam-gitops creates it: CreateKey with the CloudTrail key policy, the alias
 * by which every later run finds it, then yearly rotation (CloudTrail.2, CIS 3.6). The policy is
 * set only here; the apply role may not rewrite key policies (see plan.ts planKey).
 */
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
} from '@aws-sdk/client-kms';
import type { OperationHandler } from '../../../apply/types.js';
import { orMissing } from '../aws-errors.js';
import type { DesiredBaseline } from '../desired.js';
import { detailsOf, needs } from './util.js';

type KeyDetails = NonNullable<DesiredBaseline['kmsKey']> & { keyId?: string };

export const kmsKeyHandler: OperationHandler = async (op, ctx) => {
  const d = detailsOf<KeyDetails>(op);
  const kms = ctx.clients.kms;
  let keyId = d.keyId;
  let created = false;
  if (op.action === 'create') {
    // A re-run after a failure further on finds the key by its alias instead of making a second one.
    const found = await orMissing(() => kms.send(new DescribeKeyCommand({ KeyId: d.alias })), null, [
      'NotFoundException',
    ]);
    keyId = found?.KeyMetadata?.KeyId;
    if (!keyId) {
      const res = await kms.send(
        new CreateKeyCommand({
          Description: d.description,
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          Origin: 'AWS_KMS',
          Policy: JSON.stringify(d.policy),
          BypassPolicyLockoutSafetyCheck: false,
        }),
      );
      keyId = res.KeyMetadata?.KeyId;
      if (!keyId) throw new Error('CreateKey answered without a key id');
      await kms.send(new CreateAliasCommand({ AliasName: d.alias, TargetKeyId: keyId }));
      created = true;
      ctx.log(`KMS key ${d.alias}: created (${keyId})`);
    }
  }
  if (!keyId) throw new Error(`KMS key ${d.alias}: no key id to update; plan again`);
  if (created || needs(op, 'rotation')) {
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  }
  return { status: 'done', note: created ? 'created' : 'rotation enabled' };
};
