/**
 * Many accounts in one emulator: moto keeps separate state per account and honours
 * sts:AssumeRole into another account (the credentials it hands back act in that account). A
 * ClientsFor for tests assumes each account's plan or apply role, as the hub does in AWS.
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { CallLog } from '../../src/aws/calls.js';
import type { ResolvedAccount } from '../../src/model/accounts.js';
import type { ClientsFor, Purpose } from '../../src/pipeline-accounts.js';
import { iamGapsCapture } from './capture.js';
import { REGION, type Moto } from './moto.js';

export const IDS = { a: '111111111111', b: '222222222222', c: '333333333333' } as const;

export function account(name: string, id: string): ResolvedAccount {
  return {
    name,
    id,
    planRole: `arn:aws:iam::${id}:role/iam-gitops-plan`,
    applyRole: `arn:aws:iam::${id}:role/iam-gitops-apply`,
    region: null,
    origin: 'declared',
  };
}

export const THREE: ResolvedAccount[] = Object.entries(IDS).map(([n, id]) => account(n, id));

/** `accounts:` of iam-gitops.yml for THREE. */
export const THREE_YAML = [
  'accounts:',
  ...THREE.flatMap((a) => [
    `  ${a.name}:`,
    `    id: '${a.id}'`,
    `    planRole: ${a.planRole}`,
    `    applyRole: ${a.applyRole}`,
  ]),
  'defaultAccount: a',
].join('\n');

export interface TestClientsFor extends ClientsFor {
  /** `name:purpose` of every clients handed out, in order (cached ones not repeated). */
  made: string[];
  /** Each account's call log (plan and apply clients of one account share it). */
  calls: Map<string, CallLog>;
}

/**
 * Clients that assume the account's role in the emulator. `endpoint` may send one account's
 * requests elsewhere (a script proxy that fails them); `deny` refuses the AssumeRole itself.
 */
export function motoClientsFor(
  moto: Moto,
  opts: {
    endpoint?: (account: ResolvedAccount, purpose: Purpose) => string | undefined;
    deny?: (account: ResolvedAccount, purpose: Purpose) => boolean;
  } = {},
): TestClientsFor {
  const cache = new Map<string, Promise<AwsClients>>();
  const made: string[] = [];
  const calls = new Map<string, CallLog>();
  const fn = (async (a: ResolvedAccount, purpose: Purpose) => {
    const key = `${a.name}:${purpose}`;
    let p = cache.get(key);
    if (!p) {
      made.push(key);
      p = (async () => {
        if (opts.deny?.(a, purpose))
          throw new Error(
            `AccessDenied: not authorized to perform sts:AssumeRole on ${purpose === 'plan' ? a.planRole : a.applyRole}`,
          );
        const out = await moto.clients().sts.send(
          new AssumeRoleCommand({
            // Discovered accounts have no roles of their own: the member role, as with hub:.
            RoleArn:
              (purpose === 'plan' ? a.planRole : a.applyRole) ??
              `arn:aws:iam::${a.id}:role/iam-gitops-member-${purpose}`,
            RoleSessionName: 'iam-gitops-test',
            ExternalId: 'test',
          }),
        );
        const c = out.Credentials!;
        if (!calls.has(a.name)) calls.set(a.name, new CallLog(undefined));
        return createClients({
          region: a.region ?? REGION,
          endpoint: opts.endpoint?.(a, purpose) ?? moto.url,
          credentials: {
            accessKeyId: c.AccessKeyId!,
            secretAccessKey: c.SecretAccessKey!,
            sessionToken: c.SessionToken!,
          },
          maxAttempts: 1,
          calls: calls.get(a.name)!,
          // What moto lacks (ListServiceSpecificCredentials, user boundaries), played per account.
          plugins: [iamGapsCapture().plugin],
        });
      })();
      cache.set(key, p);
    }
    return p;
  }) as TestClientsFor;
  fn.made = made;
  fn.calls = calls;
  return fn;
}
