/**
 * A node:http proxy in front of the emulator for the monitoring baseline (the gap-proxy.ts
 * pattern): it forwards every request, records it with its parameters, and rewrites the one
 * answer the emulator gets wrong for this code: e-mail subscriptions, which moto confirms at
 * once (aws-emulator.md §1 SNS). Addresses in `pending` read as AWS shows an unconfirmed
 * subscription: Subscribe answers `pending confirmation`, ListSubscriptionsByTopic shows the
 * placeholder ARN `PendingConfirmation`. What moto accepts without checking (KMS key policies,
 * PutBucketLogging's target, CloudTrail's KmsKeyId) is recorded so tests assert the requests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { forward, formParams, jsonAction, readBody, serviceOf } from './gap-proxy.js';

export interface MonitoringRequest {
  /** Signing name from the SigV4 credential scope: sns, kms, s3, logs, monitoring, … */
  service: string;
  /** Operation name (`Subscribe`, `CreateKey`), or `METHOD path?query` for S3 REST calls. */
  action: string;
  /** Form parameters (Query protocol), the JSON body (JSON protocols), or `{body}` for S3. */
  params: Record<string, unknown>;
  status: number;
}

export interface MonitoringGapProxy {
  url: string;
  requests: MonitoringRequest[];
  /** Addresses (lower-case) that have not clicked the confirmation link. */
  pending: Set<string>;
  /** Requests for one operation (`action` as recorded). */
  find(service: string, action: string): MonitoringRequest[];
  clear(): void;
  stop(): Promise<void>;
}

function jsonBody(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.includes('json') || body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** `<member>…<Endpoint>a@b</Endpoint>…<SubscriptionArn>arn…</SubscriptionArn>…</member>` → placeholder. */
function markPending(xml: string, pending: ReadonlySet<string>): string {
  return xml.replace(/<member>([\s\S]*?)<\/member>/g, (member, inner: string) => {
    const endpoint = /<Endpoint>([^<]*)<\/Endpoint>/.exec(inner)?.[1]?.toLowerCase();
    if (!endpoint || !pending.has(endpoint)) return member;
    return member.replace(
      /<SubscriptionArn>[^<]*<\/SubscriptionArn>/,
      '<SubscriptionArn>PendingConfirmation</SubscriptionArn>',
    );
  });
}

export async function startMonitoringGapProxy(target: string): Promise<MonitoringGapProxy> {
  const upstream = new URL(target);
  const requests: MonitoringRequest[] = [];
  const pending = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const service = serviceOf(req.headers);
    const form = formParams(req, body);
    const isS3 = service === 's3';
    const action = isS3
      ? `${req.method} ${req.url}`
      : (form.Action ?? jsonAction(req) ?? `${req.method} ${req.url}`);
    const params: Record<string, unknown> = isS3
      ? { body: body.toString('utf8') }
      : Object.keys(form).length
        ? Object.fromEntries(Object.entries(form).filter(([k]) => k !== 'Action' && k !== 'Version'))
        : jsonBody(req, body);
    const record: MonitoringRequest = { service, action, params, status: 0 };
    requests.push(record);
    const up = await forward(upstream, req, body);
    record.status = up.status;
    let out = up.body;
    if (service === 'sns' && up.status === 200) {
      if (action === 'ListSubscriptionsByTopic') {
        out = Buffer.from(markPending(out.toString('utf8'), pending));
      } else if (action === 'Subscribe' && pending.has(String(form.Endpoint ?? '').toLowerCase())) {
        // AWS answers this unless ReturnSubscriptionArn is true.
        out = Buffer.from(
          out
            .toString('utf8')
            .replace(
              /<SubscriptionArn>[^<]*<\/SubscriptionArn>/,
              '<SubscriptionArn>pending confirmation</SubscriptionArn>',
            ),
        );
      }
    }
    const headers = { ...up.headers };
    delete headers['content-length'];
    res.writeHead(up.status, { ...headers, 'content-length': String(out.length) }).end(out);
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
    pending,
    find: (service, action) => requests.filter((r) => r.service === service && r.action === action),
    clear: () => void requests.splice(0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
