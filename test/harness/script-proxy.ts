/**
 * A node:http proxy in front of the emulator that plays a script: the first `times` requests of a
 * named action are answered with a given AWS error (without reaching the emulator), or end the
 * run the way a crash would (the callback kills the process under test, and the request is never
 * answered). Everything else is forwarded. Deterministic, unlike fault-proxy.ts's seeded faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { formParams, forward, jsonAction, readBody } from './gap-proxy.js';

export type ScriptStep =
  | { action: string; times: number; error: { status: number; code: string; message: string } }
  | { action: string; times: number; crash: () => void };

export interface ScriptProxy {
  url: string;
  /** Actions of every request seen, in order. */
  seen: string[];
  /** Steps played, as `action:error` or `action:crash`. */
  played: string[];
  stop(): Promise<void>;
}

export async function startScriptProxy(target: string, steps: ScriptStep[]): Promise<ScriptProxy> {
  const left = steps.map((s) => ({ ...s }));
  const to = new URL(target);
  const proxy: ScriptProxy = { url: '', seen: [], played: [], stop: async () => {} };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const action = jsonAction(req) ?? formParams(req, body).Action ?? `${req.method} ${req.url}`;
    proxy.seen.push(action);
    const step = left.find((s) => s.action === action && s.times > 0);
    if (step) {
      step.times--;
      if ('crash' in step) {
        proxy.played.push(`${action}:crash`);
        step.crash();
        return; // never answered: the process is gone
      }
      proxy.played.push(`${action}:error`);
      const { status, code, message } = step.error;
      res
        .writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': 'script' })
        .end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>script</RequestId></ErrorResponse>`,
        );
      return;
    }
    const up = await forward(to, req, body);
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
