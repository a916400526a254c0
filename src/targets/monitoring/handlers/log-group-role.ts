/** The log group CloudTrail writes to and the role it assumes to do so. */
import {
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateRoleCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import type { OperationHandler } from '../../../apply/types.js';
import { hasCode } from '../aws-errors.js';
import type { DesiredBaseline } from '../desired.js';
import { detailsOf, needs, toTagList } from './util.js';

export const logGroupHandler: OperationHandler = async (op, ctx) => {
  const d = detailsOf<DesiredBaseline['logGroup']>(op);
  const logs = ctx.clients.logs;
  let created = false;
  if (op.action === 'create') {
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: d.logGroup, tags: d.tags }));
      created = true;
    } catch (err) {
      if (!hasCode(err, 'ResourceAlreadyExistsException')) throw err;
    }
  }
  if (needs(op, 'retentionDays')) {
    await logs.send(
      new PutRetentionPolicyCommand({ logGroupName: d.logGroup, retentionInDays: d.retentionDays }),
    );
  }
  if (!created && needs(op, 'tags')) {
    await logs.send(new TagResourceCommand({ resourceArn: d.arn, tags: d.tags }));
  }
  return { status: 'done' };
};

export const roleHandler: OperationHandler = async (op, ctx) => {
  const d = detailsOf<DesiredBaseline['role']>(op);
  const iam = ctx.clients.iam;
  const trust = JSON.stringify(d.trustPolicy);
  let created = false;
  if (op.action === 'create') {
    try {
      await iam.send(
        new CreateRoleCommand({
          RoleName: d.roleName,
          AssumeRolePolicyDocument: trust,
          Description: 'Lets CloudTrail deliver the iam-gitops trail to CloudWatch Logs',
          Tags: toTagList(d.tags),
        }),
      );
      created = true;
    } catch (err) {
      if (!hasCode(err, 'EntityAlreadyExists')) throw err;
    }
  }
  if (!created && needs(op, 'trustPolicy')) {
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: d.roleName, PolicyDocument: trust }));
  }
  if (needs(op, 'policy')) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: d.roleName,
        PolicyName: d.policyName,
        PolicyDocument: JSON.stringify(d.policy),
      }),
    );
  }
  if (!created && needs(op, 'tags')) {
    await iam.send(new TagRoleCommand({ RoleName: d.roleName, Tags: toTagList(d.tags) }));
  }
  return { status: 'done' };
};
