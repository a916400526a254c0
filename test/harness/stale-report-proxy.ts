/**
 * A proxy in front of the emulator that serves the IAM credential report the way AWS does within
 * four hours of the last one: GenerateCredentialReport answers COMPLETE without generating, and
 * GetCredentialReport returns the report captured by `freeze()`, however the account changed since.
 * Every other request is forwarded unchanged; `seen` counts the actions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { forward, formParams, iamResponse, readBody, type Upstream } from './gap-proxy.js';

export interface StaleReportProxy {
  url: string;
  seen: Record<string, number>;
  /** Generates a report now (through the emulator) and serves it from then on. */
  freeze(): Promise<void>;
  stop(): Promise<void>;
}

export async function startStaleReportProxy(target: string): Promise<StaleReportProxy> {
  const to = new URL(target);
  let frozen: Upstream | null = null;
  let freezing = false;
  const proxy: StaleReportProxy = { url: '', seen: {}, freeze: async () => {}, stop: async () => {} };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const action = formParams(req, body).Action ?? `${req.method} ${req.url}`;
    if (!freezing) proxy.seen[action] = (proxy.seen[action] ?? 0) + 1;
    if (frozen && action === 'GenerateCredentialReport') {
      const xml = iamResponse(action, '<State>COMPLETE</State>', 'stale');
      res.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
      return;
    }
    if (frozen && action === 'GetCredentialReport') {
      res.writeHead(frozen.status, frozen.headers).end(frozen.body);
      return;
    }
    const up = await forward(to, req, body);
    if (freezing && action === 'GetCredentialReport') frozen = up;
    res.writeHead(up.status, up.headers).end(up.body);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  proxy.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  proxy.freeze = async () => {
    const { IAMClient, GenerateCredentialReportCommand, GetCredentialReportCommand } =
      await import('@aws-sdk/client-iam');
    const iam = new IAMClient({
      region: 'us-east-1',
      endpoint: proxy.url,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    freezing = true;
    try {
      while ((await iam.send(new GenerateCredentialReportCommand({}))).State !== 'COMPLETE')
        await new Promise((r) => setTimeout(r, 50));
      await iam.send(new GetCredentialReportCommand({}));
    } finally {
      freezing = false;
      iam.destroy();
    }
  };
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
