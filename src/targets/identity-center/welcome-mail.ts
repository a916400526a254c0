/**
 * The welcome mail for an Identity Center person: no password (Identity Center sends its own
 * invitation to set one), the AWS access portal URL, and what each group gives in which accounts.
 * A pure template; every value is escaped into the HTML.
 */
import type { WelcomeMail } from '../iam/welcome-mail.js';

export interface IcWelcomeMailInput {
  user: string;
  displayName: string;
  /** `identityCenter.portalUrl`, or null (then the mail says to use the link in the invitation). */
  portalUrl: string | null;
  groups: Array<{ group: string; permissionSet: string; accounts: string[] }>;
}

const escapeHtml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

export function renderIcWelcomeMail(input: IcWelcomeMailInput): WelcomeMail {
  const subject = `Your AWS access: ${input.user}`;
  const text: string[] = [
    `Hello ${input.displayName},`,
    '',
    'You now have a user in AWS IAM Identity Center.',
    `User name: ${input.user}`,
  ];
  const html: string[] = [
    `<p>Hello ${escapeHtml(input.displayName)},</p>`,
    '<p>You now have a user in AWS IAM Identity Center.</p>',
    '<ul>',
    `<li>User name: <code>${escapeHtml(input.user)}</code></li>`,
  ];
  const lines = input.groups.map(
    (g) =>
      `Group ${g.group}: permission set ${g.permissionSet} in ${g.accounts.length ? g.accounts.join(', ') : 'no account yet'}`,
  );
  if (lines.length === 0) lines.push('Groups: none yet (your administrator will add you to one)');
  text.push(...lines);
  html.push(...lines.map((l) => `<li>${escapeHtml(l)}</li>`), '</ul>');
  const invite =
    'Expect a separate invitation e-mail from AWS IAM Identity Center: follow it to set your password ' +
    'and register a multi-factor authentication (MFA) device. This mail carries no password.';
  text.push('', invite);
  html.push(`<p>${escapeHtml(invite)}</p>`);
  if (input.portalUrl) {
    text.push('', `Then sign in at the AWS access portal: ${input.portalUrl}`);
    html.push(
      `<p>Then sign in at the AWS access portal: <a href="${escapeHtml(input.portalUrl)}">${escapeHtml(input.portalUrl)}</a></p>`,
    );
  } else {
    const portal = 'Then sign in at the AWS access portal the invitation links to.';
    text.push('', portal);
    html.push(`<p>${escapeHtml(portal)}</p>`);
  }
  text.push('', 'This message was sent by iam-gitops.');
  html.push('<p><small>This message was sent by iam-gitops.</small></p>');
  return { subject, html: html.join('\n'), text: text.join('\n') + '\n' };
}
