/**
 * IAM Identity Center through the action, run as `node dist/index.js`: the plan comment on the pull
 * request shows the Identity Center section, the approved plan is applied on merge, and the outputs
 * name the people. The emulator sits behind the Identity Center gap proxy (scripts/ic-gap-proxy.mjs).
 */
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { ListUsersCommand } from '@aws-sdk/client-identitystore';
import { startIcGapProxy, type IcGapProxy } from '../../scripts/ic-gap-proxy.mjs';
import type { GitHubServer } from '../harness/github-server.js';
import type { Moto } from '../harness/moto.js';
import { parseMeta } from '../../src/github/comment.js';
import { applyRun, approvedPr, config, quietStderr, sha, useServers } from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
let proxy: IcGapProxy;
useServers((g, m) => ([gh, moto] = [g, m]));
beforeAll(async () => {
  proxy = await startIcGapProxy(moto.url);
});
afterAll(async () => proxy?.stop());
beforeEach(() => proxy.reset());

const ctx = () => ({ gh, moto });
const files = {
  'iam-gitops.yml':
    config(
      [
        'identityCenter:',
        '  enabled: true',
        '  portalUrl: https://d-1234567890.awsapps.com/start',
        'groups:',
        '  developers:',
        '    policies: [ReadOnlyAccess]',
      ].join('\n'),
    ) + '\n',
  'users/team.csv':
    'username,email,groups\njane.doe,jane@example.com,developers\nli.wei,li@example.com,developers\n',
};

test('plan comment with the Identity Center section → approval → merge → apply creates the people', async () => {
  const env = { AWS_ENDPOINT_URL: proxy.url };
  const plan = await approvedPr(ctx(), 7, files, { env });
  expect(plan.exitCode).toBe(0);
  const comment = () => gh.comments(7).find((c) => c.user.login === 'github-actions[bot]')!;
  const body = comment().body;
  expect(body).toMatch(/#### IAM Identity Center \(\d+\)/);
  expect(body).toContain('`iam-gitops-developers`');
  expect(body).toMatch(/Identity Center changes: \d+ to create/);

  const run = await applyRun(ctx(), sha('merge-7'), files, { env });
  expect(quietStderr(run.stderr)).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.outputs['created-users']!.split(',').sort()).toEqual(['jane.doe', 'li.wei']);
  expect(JSON.parse(run.outputs['mail-status']!)).toEqual({ 'jane.doe': 'sent', 'li.wei': 'sent' });
  expect(parseMeta(comment().body)?.status).toBe('applied');
  const c = moto.clients();
  const store = (await c.ssoadmin.send(new ListInstancesCommand({}))).Instances![0]!.IdentityStoreId!;
  const users = (await c.identitystore.send(new ListUsersCommand({ IdentityStoreId: store }))).Users!;
  expect(users.map((u) => u.UserName).sort()).toEqual(['jane.doe', 'li.wei']);
  expect(proxy.find('CreateAccountAssignment').map((r) => r.params.TargetId)).toEqual(['123456789012']);
  const mail = await moto.sentMail();
  expect(mail.every((m) => m.body.includes('https://d-1234567890.awsapps.com/start'))).toBe(true);
});
