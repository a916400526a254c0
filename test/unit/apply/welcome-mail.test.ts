import {
  mailCarriesPassword,
  renderWelcomeMail,
  type WelcomeMailInput,
} from '../../../src/targets/iam/welcome-mail.js';

const base: WelcomeMailInput = {
  user: 'alice',
  accountId: '123456789012',
  signInUrl: null,
  console: true,
  sendPassword: true,
  password: 'Xy7!temporary-Pw',
  role: 'Data <engineer>',
  groups: ['developers', 'readers'],
  policies: ['ReadOnlyAccess', 'dev-s3'],
};

test('a console user with sendPassword gets the password, the change notice, sign-in URL, MFA, groups, policies, role', () => {
  const m = renderWelcomeMail(base);
  for (const body of [m.html, m.text]) {
    expect(body).toContain('Xy7!temporary-Pw');
    expect(body).toContain('https://123456789012.signin.aws.amazon.com/console');
    expect(body).toMatch(/must change it at your first sign-in/);
    expect(body).toMatch(/multi-factor authentication \(MFA\)/);
    expect(body).toContain('developers, readers');
    expect(body).toContain('ReadOnlyAccess, dev-s3');
    expect(body).toContain('alice');
  }
  expect(m.text).toContain('Role: Data <engineer>');
  expect(m.html).toContain('Role: Data &lt;engineer&gt;');
  expect(m.html).toContain('<code data-temporary-password>Xy7!temporary-Pw</code>');
  expect(m.subject).toContain('alice');
});

test.each([
  ['sendPassword false', { sendPassword: false }],
  ['no console', { console: false }],
  ['password unknown', { password: null }],
])('no password in the mail when %s', (_name, over) => {
  const input = { ...base, ...over };
  const m = renderWelcomeMail(input);
  expect(mailCarriesPassword(input)).toBe(false);
  expect(m.html).not.toContain('Xy7!temporary-Pw');
  expect(m.text).not.toContain('Xy7!temporary-Pw');
  expect(m.html).not.toContain('data-temporary-password');
});

test('console without password explains how to get one; no console explains there is no sign-in', () => {
  expect(renderWelcomeMail({ ...base, sendPassword: false }).text).toMatch(
    /administrator will give you a temporary password/,
  );
  const noConsole = renderWelcomeMail({ ...base, console: false, password: null });
  expect(noConsole.text).toMatch(/no console sign-in/);
  expect(noConsole.text).not.toContain('signin.aws.amazon.com');
});

test('a configured sign-in URL replaces the default and is escaped in HTML', () => {
  const m = renderWelcomeMail({ ...base, signInUrl: 'https://corp.awsapps.com/start?a=1&b=2' });
  expect(m.text).toContain('https://corp.awsapps.com/start?a=1&b=2');
  expect(m.html).toContain('href="https://corp.awsapps.com/start?a=1&amp;b=2"');
  expect(m.html).not.toContain('123456789012.signin');
});

test('no groups or policies say none; no role leaves the line out', () => {
  const m = renderWelcomeMail({ ...base, groups: [], policies: [], role: null });
  expect(m.text).toContain('Groups: none');
  expect(m.text).toMatch(/^Direct policies: none$/m);
  expect(m.text).not.toContain('Role:');
});

test('permissions from groups: each group with what it grants, direct policies said to be none', () => {
  const m = renderWelcomeMail({
    ...base,
    groups: ['developers', 'readers'],
    policies: [],
    groupPolicies: { developers: ['dev-app-deploy', 'self-service-password'], readers: [] },
  });
  const lines = m.text.split('\n');
  const at = lines.indexOf('Groups: developers, readers');
  expect(lines.slice(at, at + 4)).toEqual([
    'Groups: developers, readers',
    'Policies from group developers: dev-app-deploy, self-service-password',
    'Policies from group readers: none',
    'Direct policies: none (your permissions come from your groups)',
  ]);
  expect(m.text).not.toMatch(/^Policies: none$/m);
  expect(m.html).toContain(
    '<li>Groups: developers, readers</li>\n' +
      '<li>Policies from group developers: dev-app-deploy, self-service-password</li>\n' +
      '<li>Policies from group readers: none</li>\n' +
      '<li>Direct policies: none (your permissions come from your groups)</li>',
  );
});

test('group names and policy names are escaped in HTML; a group without known grants is listed by name', () => {
  const m = renderWelcomeMail({
    ...base,
    groups: ['a<b', 'other'],
    policies: ['x&y'],
    groupPolicies: { 'a<b': ['p>q'] },
  });
  expect(m.html).toContain('<li>Policies from group a&lt;b: p&gt;q</li>');
  expect(m.html).not.toContain('group other');
  expect(m.html).toContain('<li>Direct policies: x&amp;y</li>');
  expect(m.text).toContain('Direct policies: x&y');
});

test('with mfa required the mail says everything is denied until MFA sign-in and how to enrol', () => {
  const required = renderWelcomeMail({ ...base, mfaRequired: true });
  for (const body of [required.html, required.text]) {
    expect(body).toMatch(/MFA\) is required in this account/);
    expect(body).toMatch(
      /everything except setting your password and setting up your own MFA device is denied/,
    );
    expect(body).toMatch(/Assign MFA device/);
    expect(body).toMatch(/sign out and sign in again with your password and a code from the device/);
  }
  // Without it the mail recommends MFA but never claims access is blocked.
  const optional = renderWelcomeMail(base);
  expect(optional.text).toMatch(/Set up multi-factor authentication \(MFA\) right after your first sign-in/);
  expect(optional.text).not.toMatch(/is denied/);
  // A user without console sign-in is never in the MFA group's wording.
  expect(renderWelcomeMail({ ...base, console: false, password: null, mfaRequired: true }).text).not.toMatch(
    /is required in this account/,
  );
});
