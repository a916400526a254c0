/**
 * The `email` operation: the welcome mail, crash-safe. A user is created with WELCOME_PENDING_TAG;
 * the tag goes only after SES accepted the mail. A run that finds the tag but does not hold the
 * user's password in memory (the run that created it crashed) issues a fresh temporary password
 * first, so the mail always carries one that works.
 */
import { UntagUserCommand, UpdateLoginProfileCommand } from '@aws-sdk/client-iam';
import { MFA_GROUP_NAME } from '../../../desired/mfa-policy.js';
import { WELCOME_PENDING_TAG } from '../../../model/desired.js';
import type { EmailDetails, Operation } from '../../../model/plan.js';
import { detailsOf, managedUserTags } from './common.js';
import { knownUser } from '../../../apply/known.js';
import { hasLoginProfile, newTemporaryPassword } from './access.js';
import { quotaNote } from '../../../apply/send-quota.js';
import { forgetPassword, mailBudget, recalledPassword } from '../../../apply/session.js';
import type { ApplyContext, OperationOutcome } from '../../../apply/types.js';
import { PASSWORD_PLACEHOLDER, renderWelcomeMail, sendWelcomeMail } from '../welcome-mail.js';

export async function sendWelcome(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = detailsOf<EmailDetails>(op);
  const { email: config } = ctx.desired.config;
  const tags = await managedUserTags(ctx, d.user);
  if (tags[WELCOME_PENDING_TAG.key] !== WELCOME_PENDING_TAG.value) {
    return { status: 'already-done', note: 'welcome mail already sent' };
  }
  if (!config.from) {
    throw new Error(
      `email.from is not set in iam-gitops.yml: set it to a verified SES identity to mail ${d.user}`,
    );
  }

  // Within the SES send quota: paced to its rate, and past the day's remainder left pending.
  const budget = await mailBudget(ctx);
  if (budget && !(await budget.take())) {
    forgetPassword(ctx, d.user);
    return { status: 'deferred', note: quotaNote(budget.quota) };
  }

  let password: string | undefined;
  if (d.console && config.sendPassword) {
    // A password this run remembers is one it just set: the login exists, no need to ask.
    password = recalledPassword(ctx, d.user);
    if (
      password === undefined &&
      !(knownUser(ctx, d.user)?.hasLoginProfile || (await hasLoginProfile(ctx, d.user)))
    ) {
      throw new Error(`${d.user} has no console login yet; the welcome mail waits for it`);
    }
    if (password === undefined) {
      // The password from the creating run is lost with that run: replace it with one we know.
      password = await newTemporaryPassword(ctx);
      await ctx.clients.iam.send(
        new UpdateLoginProfileCommand({ UserName: d.user, Password: password, PasswordResetRequired: true }),
      );
      ctx.log(`issued a fresh temporary password for ${d.user} (the previous run did not mail it)`);
    }
  }

  const mail = renderWelcomeMail({
    user: d.user,
    accountId: ctx.accountId,
    signInUrl: config.signInUrl,
    console: d.console,
    sendPassword: config.sendPassword,
    password: password === undefined ? null : PASSWORD_PLACEHOLDER,
    role: d.role,
    groups: d.groups,
    policies: d.policies,
    groupPolicies: d.groupPolicies,
    // From the approved operation's groups, not the config: the mail says what the plan applied.
    mfaRequired: d.groups.includes(MFA_GROUP_NAME),
  });
  await sendWelcomeMail(ctx.clients.ses, config.from, d.email, mail, password);
  forgetPassword(ctx, d.user);
  // SES has the mail: only now may the next run stop retrying it.
  await ctx.clients.iam.send(new UntagUserCommand({ UserName: d.user, TagKeys: [WELCOME_PENDING_TAG.key] }));
  const known = knownUser(ctx, d.user);
  if (known) delete known.tags[WELCOME_PENDING_TAG.key];
  return { status: 'done', note: password ? 'with temporary password' : undefined };
}
