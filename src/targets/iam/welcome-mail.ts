/**
 * The welcome mail: a pure template (HTML and text) and the SES v1 sender. The template is the
 * only place a temporary password is ever put into text, and only when the config allows it.
 */
import { SendEmailCommand, type SendEmailCommandInput, type SESClient } from '@aws-sdk/client-ses';

export interface WelcomeMailInput {
  user: string;
  accountId: string;
  /** `email.signInUrl`, or null for the account's default console URL. */
  signInUrl: string | null;
  console: boolean;
  /** `email.sendPassword`. */
  sendPassword: boolean;
  /** The temporary password, when this run knows it. */
  password: string | null;
  role: string | null;
  groups: string[];
  /** Policies attached to the user directly. */
  policies: string[];
  /** Per group, the policies it grants; groups missing here are listed by name only. */
  groupPolicies?: Record<string, string[]>;
  /** `mfa: required`: the user is denied everything but enrolling until signed in with MFA. */
  mfaRequired?: boolean;
}

export interface WelcomeMail {
  subject: string;
  html: string;
  text: string;
}

export function defaultSignInUrl(accountId: string): string {
  return `https://${accountId}.signin.aws.amazon.com/console`;
}

const escapeHtml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** The password goes into the mail only for a console user, when allowed, and when known. */
export function mailCarriesPassword(input: WelcomeMailInput): boolean {
  return input.console && input.sendPassword && Boolean(input.password);
}

export function renderWelcomeMail(input: WelcomeMailInput): WelcomeMail {
  const url = input.signInUrl ?? defaultSignInUrl(input.accountId);
  const withPassword = mailCarriesPassword(input);
  const list = (items: string[]): string => (items.length > 0 ? items.join(', ') : 'none');
  const subject = `Your AWS account access: ${input.user}`;

  const text: string[] = [
    `Hello ${input.user},`,
    '',
    `You now have an IAM user in AWS account ${input.accountId}.`,
  ];
  const html: string[] = [
    `<p>Hello ${escapeHtml(input.user)},</p>`,
    `<p>You now have an IAM user in AWS account <strong>${escapeHtml(input.accountId)}</strong>.</p>`,
    '<ul>',
    `<li>User name: <code>${escapeHtml(input.user)}</code></li>`,
  ];
  text.push(`User name: ${input.user}`);
  if (input.role) {
    text.push(`Role: ${input.role}`);
    html.push(`<li>Role: ${escapeHtml(input.role)}</li>`);
  }
  // Most users get their permissions through groups: say what each group grants, or the mail
  // reads as if the user had no permissions at all.
  const granted = input.groups
    .filter((g) => input.groupPolicies?.[g] !== undefined)
    .map((g) => ({ group: g, policies: input.groupPolicies![g]! }));
  const grants = (g: { group: string; policies: string[] }): string =>
    `Policies from group ${g.group}: ${g.policies.length > 0 ? g.policies.join(', ') : 'none'}`;
  const direct =
    input.policies.length > 0
      ? input.policies.join(', ')
      : input.groups.length > 0
        ? 'none (your permissions come from your groups)'
        : 'none';
  text.push(`Groups: ${list(input.groups)}`, ...granted.map(grants), `Direct policies: ${direct}`);
  html.push(
    `<li>Groups: ${escapeHtml(list(input.groups))}</li>`,
    ...granted.map((g) => `<li>${escapeHtml(grants(g))}</li>`),
    `<li>Direct policies: ${escapeHtml(direct)}</li>`,
    '</ul>',
  );

  if (input.console) {
    text.push('', `Sign in to the AWS console: ${url}`);
    html.push(`<p>Sign in to the AWS console: <a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`);
    if (withPassword) {
      text.push(
        `Temporary password: ${input.password}`,
        'This password is temporary: you must change it at your first sign-in.',
      );
      html.push(
        `<p>Temporary password: <code data-temporary-password>${escapeHtml(input.password!)}</code></p>`,
        '<p>This password is temporary: you must change it at your first sign-in.</p>',
      );
    } else {
      const ask =
        'Your administrator will give you a temporary password; you must change it at your first sign-in.';
      text.push(ask);
      html.push(`<p>${ask}</p>`);
    }
    const steps = [
      'open the account menu (top right) → Security credentials → Multi-factor authentication (MFA) →',
      'Assign MFA device, and register an authenticator app or a security key.',
    ];
    // With mfa: required the user can do nothing else until enrolled: say so, and say what unlocks it.
    const mfa = input.mfaRequired
      ? [
          'Multi-factor authentication (MFA) is required in this account: until you sign in with an MFA',
          'device, everything except setting your password and setting up your own MFA device is denied.',
          'Right after you set your password,',
          ...steps,
          'Then sign out and sign in again with your password and a code from the device: your permissions',
          'apply from that sign-in on.',
        ].join(' ')
      : ['Set up multi-factor authentication (MFA) right after your first sign-in:', ...steps].join(' ');
    text.push('', mfa);
    html.push(`<p>${escapeHtml(mfa)}</p>`);
  } else {
    const noConsole =
      'Your user has no console sign-in. Ask your administrator for programmatic access if you need it, ' +
      'and protect it with multi-factor authentication (MFA).';
    text.push('', noConsole);
    html.push(`<p>${escapeHtml(noConsole)}</p>`);
  }
  text.push('', 'This message was sent by iam-gitops.');
  html.push('<p><small>This message was sent by iam-gitops.</small></p>');
  return { subject, html: html.join('\n'), text: text.join('\n') + '\n' };
}

/**
 * Stands in for the password in the rendered mail until the request is serialized, so the
 * request input that call logs and recorders see never holds the secret.
 */
export const PASSWORD_PLACEHOLDER = '\u0000iam-gitops:temporary-password\u0000';

/**
 * Sends through SES v1; returns the SES message id. `password` replaces PASSWORD_PLACEHOLDER in
 * the bodies at the serialize step, after every initialize-step middleware (the call log) ran.
 */
export async function sendWelcomeMail(
  ses: SESClient,
  from: string,
  to: string,
  mail: WelcomeMail,
  password?: string,
): Promise<string | undefined> {
  const command = new SendEmailCommand({
    Source: from,
    Destination: { ToAddresses: [to] },
    Message: {
      Subject: { Data: mail.subject, Charset: 'UTF-8' },
      Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
    },
  });
  if (password !== undefined) {
    command.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as SendEmailCommandInput;
        const fill = (s: string | undefined): string | undefined =>
          s?.split(PASSWORD_PLACEHOLDER).join(password);
        const body = input.Message!.Body!;
        // New objects, never mutation: recorders hold references to the original input.
        const filled: SendEmailCommandInput = {
          ...input,
          Message: {
            ...input.Message!,
            Body: {
              Html: body.Html && { ...body.Html, Data: fill(body.Html.Data) },
              Text: body.Text && { ...body.Text, Data: fill(body.Text.Data) },
            },
          },
        };
        return next({ ...args, input: filled });
      },
      { step: 'serialize', priority: 'high', name: 'iamGitopsFillPassword' },
    );
  }
  const res = await ses.send(command);
  return res.MessageId;
}
