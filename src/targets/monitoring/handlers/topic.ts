/** The alarm topic (CloudWatch-only publish policy) and its e-mail subscriptions. */
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  SetTopicAttributesCommand,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import type { OperationHandler } from '../../../apply/types.js';
import type { DesiredBaseline } from '../desired.js';
import { maskEmail } from '../mask.js';
import { detailsOf, needs, toTagList } from './util.js';

export const topicHandler: OperationHandler = async (op, ctx) => {
  const d = detailsOf<DesiredBaseline['topic']>(op);
  const sns = ctx.clients.sns;
  // CreateTopic returns the existing topic for the same name, so a re-run is safe. Tags are set
  // apart: AWS refuses CreateTopic on an existing topic whose tags differ.
  const created = await sns.send(new CreateTopicCommand({ Name: d.topicName }));
  if (created.TopicArn !== d.topicArn) {
    throw new Error(`CreateTopic returned ${created.TopicArn}, expected ${d.topicArn}`);
  }
  if (needs(op, 'policy')) {
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: d.topicArn,
        AttributeName: 'Policy',
        AttributeValue: JSON.stringify(d.policy),
      }),
    );
  }
  if (needs(op, 'tags')) {
    await sns.send(new TagResourceCommand({ ResourceArn: d.topicArn, Tags: toTagList(d.tags) }));
  }
  return { status: 'done' };
};

interface SubscriptionDetails {
  topicArn: string;
  protocol: 'email';
  endpoint: string;
}

const isPending = (arn: string | undefined) => !arn || !arn.startsWith('arn:');

async function existingSubscription(sns: SNSClient, topicArn: string, endpoint: string) {
  let token: string | undefined;
  do {
    const page = await sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken: token }),
    );
    const hit = (page.Subscriptions ?? []).find(
      (s) => s.Protocol === 'email' && s.Endpoint?.toLowerCase() === endpoint.toLowerCase(),
    );
    if (hit) return hit;
    token = page.NextToken;
  } while (token);
  return undefined;
}

/**
 * Subscribes one address unless it is already subscribed or pending: a second Subscribe would
 * send the confirmation mail again. The note says whether the address still has to confirm.
 */
export const subscriptionHandler: OperationHandler = async (op, ctx) => {
  const d = detailsOf<SubscriptionDetails>(op);
  const sns = ctx.clients.sns;
  const who = maskEmail(d.endpoint);
  if (op.action === 'delete') return unsubscribe(sns, d, who, ctx.log);
  const existing = await existingSubscription(sns, d.topicArn, d.endpoint);
  if (existing) {
    const state = isPending(existing.SubscriptionArn) ? 'PendingConfirmation' : 'Confirmed';
    return { status: 'already-done', note: `${who}: ${state}` };
  }
  const res = await sns.send(
    new SubscribeCommand({ TopicArn: d.topicArn, Protocol: d.protocol, Endpoint: d.endpoint }),
  );
  const state = isPending(res.SubscriptionArn) ? 'PendingConfirmation' : 'Confirmed';
  ctx.log(`alarm subscription ${who}: ${state}`);
  return { status: 'done', note: `${who}: ${state}` };
};

/**
 * Removes an address that left alarmEmails, by the subscription ARN read again now (the one in
 * the plan may be stale). Only a subscription of our topic is removed; a pending one has no ARN.
 */
async function unsubscribe(
  sns: SNSClient,
  d: SubscriptionDetails,
  who: string,
  log: (m: string) => void,
): Promise<{ status: 'done' | 'already-done'; note?: string }> {
  const existing = await existingSubscription(sns, d.topicArn, d.endpoint);
  if (!existing) return { status: 'already-done', note: `${who}: not subscribed` };
  const arn = existing.SubscriptionArn;
  if (isPending(arn)) return { status: 'already-done', note: `${who}: PendingConfirmation` };
  if (!arn!.startsWith(`${d.topicArn}:`)) {
    throw new Error(`subscription ${arn} is not on ${d.topicArn}: not removed`);
  }
  await sns.send(new UnsubscribeCommand({ SubscriptionArn: arn }));
  log(`alarm subscription ${who}: removed`);
  return { status: 'done', note: `${who}: removed` };
}
