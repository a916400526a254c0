/**
 * The `ic-email` operation: the welcome mail of an Identity Center person, crash-safe like the IAM
 * one. A person is created with UserType IC_USER_TYPE_PENDING; only after SES accepted the mail
 * does the type become IC_USER_TYPE, so a run that stops in between mails them next time.
 */
import { icOf } from './clients.js';
import { UpdateUserCommand } from '@aws-sdk/client-identitystore';
import { IC_USER_TYPE } from '../../model/identity-center.js';
import type { Operation } from '../../model/plan.js';
import { quotaNote } from '../../apply/send-quota.js';
import { mailBudget } from '../../apply/session.js';
import type { ApplyContext, OperationOutcome } from '../../apply/types.js';
import { sendWelcomeMail } from '../iam/welcome-mail.js';
import type { IcEmailDetails } from './ops.js';
import { findUser, icRuntime } from './runtime.js';
import { renderIcWelcomeMail } from './welcome-mail.js';

export async function sendIcWelcome(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = op.details as unknown as IcEmailDetails;
  const { email, identityCenter } = ctx.desired.config;
  const rt = await icRuntime(ctx);
  const u = await findUser(ctx, rt, d.user);
  if (!u) throw new Error(`${d.user} does not exist in Identity Center; the welcome mail waits for it`);
  if (!u.managed) throw new Error(`${d.user} is not managed by iam-gitops; no welcome mail`);
  if (!u.welcomePending) return { status: 'already-done', note: 'welcome mail already sent' };
  if (!email.from)
    throw new Error(
      `email.from is not set in iam-gitops.yml: set it to a verified SES identity to mail ${d.user}`,
    );

  const budget = await mailBudget(ctx);
  if (budget && !(await budget.take())) return { status: 'deferred', note: quotaNote(budget.quota) };

  const mail = renderIcWelcomeMail({
    user: d.user,
    displayName: d.displayName,
    portalUrl: identityCenter.portalUrl,
    groups: d.groups,
  });
  await sendWelcomeMail(ctx.clients.ses, email.from, d.email, mail);
  // SES has the mail: only now may the next run stop sending it.
  await icOf(ctx).identitystore.send(
    new UpdateUserCommand({
      IdentityStoreId: rt.identityStoreId,
      UserId: u.userId,
      Operations: [{ AttributePath: 'userType', AttributeValue: IC_USER_TYPE }],
    }),
  );
  u.welcomePending = false;
  return { status: 'done' };
}
