/** The credential report's `mfa_active` column read as "console users without MFA". */
import { consoleUsersWithoutMfa } from '../../../src/aws/mfa-status.js';

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active';
const row = (user: string, password: string, lastUsed: string, mfa: string) =>
  `${user},arn:aws:iam::123456789012:user/${user},2026-01-01T00:00:00+00:00,${password},${lastUsed},N/A,${mfa}`;

test('console users whose mfa_active is not true, sorted, with when the password was last used', () => {
  const csv = [
    '\ufeff' + HEADER,
    row('<root_account>', 'not_supported', '2026-11-01T00:00:00+00:00', 'false'),
    row('zoe', 'true', '2026-11-20T08:00:00+00:00', 'false'),
    row('amy', 'true', 'no_information', 'false'),
    row('enrolled', 'true', '2026-11-20T08:00:00+00:00', 'true'),
    row('api-only', 'false', 'N/A', 'false'),
    '',
  ].join('\n');
  expect(consoleUsersWithoutMfa(csv)).toEqual([
    { user: 'amy', passwordLastUsed: null },
    { user: 'zoe', passwordLastUsed: '2026-11-20T08:00:00+00:00' },
  ]);
  expect(consoleUsersWithoutMfa(csv, new Set(['zoe', 'enrolled']))).toEqual([
    { user: 'zoe', passwordLastUsed: '2026-11-20T08:00:00+00:00' },
  ]);
  expect(consoleUsersWithoutMfa('')).toEqual([]);
});
