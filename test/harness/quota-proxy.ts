/**
 * A proxy in front of the emulator that answers SES GetSendQuota with the quota a test sets (the
 * emulator always says 200 a day at 1 a second) and counts the SendEmail requests it forwards as
 * sent in the last 24 hours. Everything else is forwarded unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { forward, formParams, readBody } from './gap-proxy.js';

export interface Quota {
  max24HourSend: number;
  maxSendRate: number;
}

export interface QuotaProxy {
  url: string;
  quota: Quota;
  /** SendEmail requests forwarded since the last `newDay()`. */
  sent: number;
  /** How many times GetSendQuota was asked. */
  quotaReads: number;
  /** A new 24-hour window: nothing sent in it yet. */
  newDay(): void;
  stop(): Promise<void>;
}

export async function startQuotaProxy(target: string, quota: Quota): Promise<QuotaProxy> {
  const to = new URL(target);
  const proxy: QuotaProxy = {
    url: '',
    quota,
    sent: 0,
    quotaReads: 0,
    newDay: () => void (proxy.sent = 0),
    stop: async () => {},
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const action = formParams(req, body).Action;
    if (action === 'GetSendQuota') {
      proxy.quotaReads++;
      const q = proxy.quota;
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult>` +
            `<Max24HourSend>${q.max24HourSend}</Max24HourSend><MaxSendRate>${q.maxSendRate}</MaxSendRate>` +
            `<SentLast24Hours>${proxy.sent}</SentLast24Hours></GetSendQuotaResult>` +
            `<ResponseMetadata><RequestId>quota</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
        );
      return;
    }
    const up = await forward(to, req, body);
    if (action === 'SendEmail' && up.status === 200) proxy.sent++;
    res.writeHead(up.status, up.headers).end(up.body);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  proxy.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
