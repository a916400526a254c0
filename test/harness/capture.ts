/**
 * Request capture for tests against the emulator where it is lax: a client plugin that records
 * every request input (secrets redacted, as in the CallLog) and can answer chosen operations
 * itself, e.g. the user permissions-boundary calls that moto answers with HTTP 500.
 */
import type { ClientPlugin } from '../../src/aws/clients.js';
import { redact } from '../../src/aws/calls.js';

export interface CapturedCall {
  service: string;
  operation: string;
  input: Record<string, unknown>;
}

/** Returns the operation's output, or throws an error shaped like the SDK's (name = AWS code). */
export type Answer = (
  input: Record<string, unknown>,
) => Record<string, unknown> | Promise<Record<string, unknown>>;
/** Rewrites the real output of an operation after the emulator answered. */
export type Patch = (
  input: Record<string, unknown>,
  output: Record<string, unknown>,
) => Record<string, unknown>;

export interface Capture {
  plugin: ClientPlugin;
  calls: CapturedCall[];
  /** Inputs of every call of `service:Operation` (e.g. `iam:CreateUser`), in order. */
  inputs(key: string): Array<Record<string, unknown>>;
  /** Operation names in call order, optionally of one service. */
  sequence(service?: string): string[];
}

export function awsError(code: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), {
    name: code,
    Code: code,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
  });
}

export function capture(
  opts: { answer?: Record<string, Answer>; patch?: Record<string, Patch> } = {},
): Capture {
  const calls: CapturedCall[] = [];
  const plugin: ClientPlugin = (client, service) => {
    client.middlewareStack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any, context: any) => async (args: any) => {
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const key = `${service}:${operation}`;
        const input = (args.input ?? {}) as Record<string, unknown>;
        calls.push({ service, operation, input: structuredClone(redact(input)) });
        const answer = opts.answer?.[key];
        if (answer)
          return { output: { ...(await answer(input)), $metadata: { httpStatusCode: 200 } }, response: {} };
        const result = await next(args);
        const patch = opts.patch?.[key];
        return patch ? { ...result, output: patch(input, result.output) } : result;
      },
      { step: 'initialize', priority: 'low', name: 'testCapture' },
    );
  };
  return {
    plugin,
    calls,
    inputs: (key) => calls.filter((c) => `${c.service}:${c.operation}` === key).map((c) => c.input),
    sequence: (service) => calls.filter((c) => !service || c.service === service).map((c) => c.operation),
  };
}

/**
 * What moto lacks for user permissions boundaries, played by the capture plugin: CreateUser's
 * boundary is remembered (moto drops it), Put/DeleteUserPermissionsBoundary are answered (moto
 * has no handler), and GetUser reports the boundary as AWS would. ListServiceSpecificCredentials
 * (not implemented in moto) answers with the credentials the test seeds, none by default.
 */
export function iamGapsCapture(seed: { serviceCredentials?: Record<string, string[]> } = {}): Capture & {
  boundaries: Map<string, string>;
} {
  const boundaries = new Map<string, string>();
  const user = (input: Record<string, unknown>) => String(input.UserName);
  const cap = capture({
    answer: {
      'iam:PutUserPermissionsBoundary': (input) => {
        boundaries.set(user(input), String(input.PermissionsBoundary));
        return {};
      },
      'iam:DeleteUserPermissionsBoundary': (input) => {
        boundaries.delete(user(input));
        return {};
      },
      'iam:ListServiceSpecificCredentials': (input) => ({
        ServiceSpecificCredentials: (seed.serviceCredentials?.[user(input)] ?? []).map((id) => ({
          ServiceSpecificCredentialId: id,
          UserName: user(input),
          ServiceName: 'codecommit.amazonaws.com',
          ServiceUserName: `${user(input)}-at-123`,
          Status: 'Active',
          CreateDate: new Date(),
        })),
      }),
      'iam:DeleteServiceSpecificCredential': (input) => {
        const list = seed.serviceCredentials?.[user(input)];
        if (list) list.splice(list.indexOf(String(input.ServiceSpecificCredentialId)), 1);
        return {};
      },
    },
    patch: {
      'iam:CreateUser': (input, output) => {
        if (input.PermissionsBoundary) boundaries.set(user(input), String(input.PermissionsBoundary));
        return output;
      },
      'iam:DeleteUser': (input, output) => {
        boundaries.delete(user(input));
        return output;
      },
      'iam:GetUser': (input, output) => {
        const arn = boundaries.get(user(input));
        const u = output.User as Record<string, unknown> | undefined;
        if (!arn || !u) return output;
        return {
          ...output,
          User: {
            ...u,
            PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn },
          },
        };
      },
    },
  });
  return { ...cap, boundaries };
}

/** Sends every request to another moto account (`x-moto-account-id`), so runs can share a server. */
export function motoAccount(accountId: string): ClientPlugin {
  return (client) => {
    client.middlewareStack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any) => async (args: any) => {
        args.request.headers['x-moto-account-id'] = accountId;
        return next(args);
      },
      { step: 'build', name: 'testMotoAccount' },
    );
  };
}

/** The temporary password in a welcome mail's HTML body (the template marks it), if any. */
export const mailedPassword = (html: string): string | undefined =>
  /<code data-temporary-password>([^<]+)<\/code>/.exec(html)?.[1];

/**
 * What actually went over the wire, for the test only: the welcome mails SES accepted (bodies
 * with the password filled in) and the last password IAM was given per user.
 */
export function wireSecrets(): {
  plugin: ClientPlugin;
  mails: Array<{ to: string; html: string }>;
  passwords: Map<string, string>;
} {
  const mails: Array<{ to: string; html: string }> = [];
  const passwords = new Map<string, string>();
  const plugin: ClientPlugin = (client) => {
    client.middlewareStack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any, context: any) => async (args: any) => {
        const result = await next(args);
        const op = String(context.commandName);
        const input = args.input;
        if (op === 'SendEmailCommand')
          mails.push({ to: input.Destination.ToAddresses[0], html: input.Message.Body.Html.Data });
        if (op === 'CreateLoginProfileCommand' || op === 'UpdateLoginProfileCommand')
          passwords.set(input.UserName, input.Password);
        return result;
      },
      { step: 'build', name: 'testWireSecrets' },
    );
  };
  return { plugin, mails, passwords };
}
