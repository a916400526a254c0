/**
 * A node:http proxy in front of the emulator that answers a share of requests with throttling
 * (HTTP 400 Throttling / ThrottlingException) or HTTP 503, deterministic by a seed and bounded
 * in number, so retry and idempotency paths run against the real server. A fault is either
 * "before" (the request never reaches the emulator) or "after" (it took effect, but the client
 * is told it failed — the harder case for idempotency).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { formParams, forward, jsonAction, readBody } from './gap-proxy.js';

export interface FaultProxyOptions {
  /** Where to forward, e.g. moto.url. */
  target: string;
  seed: number;
  /** Share of requests answered with a fault, 0..1. */
  rate: number;
  /** No more faults than this in total. */
  maxFaults: number;
  /** Share of faults injected after forwarding (the effect happened). Default 0. */
  afterShare?: number;
}

export interface InjectedFault {
  action: string;
  kind: 'throttle' | '503';
  when: 'before' | 'after';
}

export interface FaultProxy {
  url: string;
  faults: InjectedFault[];
  forwarded: number;
  stop(): Promise<void>;
}

/** mulberry32: small, seeded, good enough to spread faults. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function actionOf(req: IncomingMessage, body: Buffer): string {
  return jsonAction(req) ?? formParams(req, body).Action ?? `${req.method} ${req.url}`;
}

function faultResponse(
  req: IncomingMessage,
  kind: InjectedFault['kind'],
): { status: number; headers: Record<string, string>; body: string } {
  const json = String(req.headers['content-type'] ?? '').includes('json');
  const status = kind === 'throttle' ? 400 : 503;
  const code = kind === 'throttle' ? (json ? 'ThrottlingException' : 'Throttling') : 'ServiceUnavailable';
  const message = kind === 'throttle' ? 'Rate exceeded' : 'Service is unavailable, try again';
  if (json) {
    return {
      status,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': code,
        'x-amzn-requestid': 'fault',
      },
      body: JSON.stringify({ __type: code, message }),
    };
  }
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'fault' },
    body: `<ErrorResponse><Error><Type>${kind === 'throttle' ? 'Sender' : 'Receiver'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>`,
  };
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const random = prng(opts.seed);
  const target = new URL(opts.target);
  const proxy: FaultProxy = { url: '', faults: [], forwarded: 0, stop: async () => {} };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const action = actionOf(req, body);
    const fault = proxy.faults.length < opts.maxFaults && random() < opts.rate;
    const kind: InjectedFault['kind'] = random() < 0.5 ? 'throttle' : '503';
    const when: InjectedFault['when'] = random() < (opts.afterShare ?? 0) ? 'after' : 'before';
    const answerFault = () => {
      proxy.faults.push({ action, kind, when });
      const f = faultResponse(req, kind);
      res.writeHead(f.status, f.headers).end(f.body);
    };
    if (fault && when === 'before') return answerFault();
    proxy.forwarded++;
    const up = await forward(target, req, body);
    if (fault) return answerFault();
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
