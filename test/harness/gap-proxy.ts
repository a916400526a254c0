/**
 * A node:http proxy in front of the emulator for child processes (dist/index.js), which cannot
 * carry the SDK middleware of capture.ts: it forwards every request and answers itself only the
 * IAM operations the emulator lacks (see /work/shared/reference/aws-emulator.md §1, §5), in the
 * shape AWS uses, so a run reaches the code after them. What it answered is recorded, so a test
 * asserts the request instead of trusting an emulator that never saw it. It also keeps the
 * order of every request on the wire, an account of the run that does not rely on the action's
 * own call log.
 */
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { redact } from '../../src/aws/calls.js';

/** The namespace moto and AWS put on every IAM Query response. */
export const IAM_XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export interface WireRequest {
  /** Signing name from the SigV4 credential scope: iam, sts, ses, … */
  service: string;
  /** API operation name, e.g. `DeleteUser`. */
  action: string;
  /** Form parameters of IAM requests without Action/Version, secrets redacted; `{}` for other services. */
  params: Record<string, unknown>;
  /** True when the proxy answered instead of forwarding. */
  answered: boolean;
  /** HTTP status the client got (0 while in flight). */
  status: number;
}

/** The body of an IAM `<Action>Result` element (already XML), or '' for an empty result. */
export type GapAnswer = (params: Record<string, string>) => string;

/** What the emulator lacks and the action calls, answered as AWS does. */
export const IAM_GAPS: Record<string, GapAnswer> = {
  // Not paginated by AWS for a single user; an empty list is what a user without credentials gets.
  ListServiceSpecificCredentials: () => '<ServiceSpecificCredentials/>',
  PutUserPermissionsBoundary: () => '',
  DeleteUserPermissionsBoundary: () => '',
};

export interface GapProxyOptions {
  /** Where to forward, e.g. moto.url. */
  target: string;
  /** IAM operations to answer instead of forwarding (default IAM_GAPS). */
  answers?: Record<string, GapAnswer>;
}

export interface GapProxy {
  url: string;
  /** Every request in arrival order, forwarded or answered. */
  requests: WireRequest[];
  /** The requests the proxy answered itself. */
  answered(): WireRequest[];
  /** Forget what was recorded (between tests). */
  clear(): void;
  stop(): Promise<void>;
}

export interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Sends a request already read off `req` to `target`, unchanged but for Host, and buffers the answer. */
export function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () =>
          resolve({ status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(chunks) }),
        );
        up.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** `Credential=<key>/<date>/<region>/<service>/aws4_request` in a SigV4 Authorization header. */
export function serviceOf(headers: IncomingHttpHeaders): string {
  const auth = String(headers.authorization ?? '');
  return /Credential=[^/]*\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1] ?? 'unknown';
}

export function formParams(req: IncomingMessage, body: Buffer): Record<string, string> {
  const type = String(req.headers['content-type'] ?? '');
  if (req.method !== 'POST' || !type.includes('application/x-www-form-urlencoded')) return {};
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/** JSON-protocol services name the operation in X-Amz-Target (`Service.Operation`). */
export function jsonAction(req: IncomingMessage): string | undefined {
  const t = req.headers['x-amz-target'];
  return typeof t === 'string' ? t.split('.').pop() : undefined;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The IAM Query envelope, as moto and AWS write it. */
export function iamResponse(action: string, result: string, requestId: string): string {
  const inner = result ? `<${action}Result>${result}</${action}Result>` : '';
  return (
    `<${action}Response xmlns="${IAM_XMLNS}">${inner}` +
    `<ResponseMetadata><RequestId>${xmlEscape(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export async function startGapProxy(opts: GapProxyOptions): Promise<GapProxy> {
  const target = new URL(opts.target);
  const answers = opts.answers ?? IAM_GAPS;
  const requests: WireRequest[] = [];
  let answeredCount = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const service = serviceOf(req.headers);
    const form = formParams(req, body);
    const action = form.Action ?? jsonAction(req) ?? `${req.method} ${req.url}`;
    const rest = Object.fromEntries(Object.entries(form).filter(([k]) => k !== 'Action' && k !== 'Version'));
    const answer = service === 'iam' ? answers[action] : undefined;
    const record: WireRequest = {
      service,
      action,
      params: service === 'iam' ? redact(rest) : {},
      answered: !!answer,
      status: 0,
    };
    requests.push(record);
    if (answer) {
      const requestId = `gap-proxy-${++answeredCount}`;
      record.status = 200;
      res
        .writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId })
        .end(iamResponse(action, answer(rest), requestId));
      return;
    }
    const up = await forward(target, req, body);
    record.status = up.status;
    res.writeHead(up.status, up.headers).end(up.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    requests,
    answered: () => requests.filter((r) => r.answered),
    clear: () => void requests.splice(0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
