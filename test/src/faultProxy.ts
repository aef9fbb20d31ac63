import http from 'node:http';
import type { Socket } from 'node:net';

/** What the proxy does with one request. */
export type FaultAction =
  /** Forward to the upstream and relay its answer untouched. */
  | { type: 'pass' }
  /** Destroy the connection without an answer, as a dead or restarting back end does. */
  | { type: 'close' }
  /** Never answer (until the client gives up or the fault is switched off). */
  | { type: 'hang' }
  /** Answer this instead of the upstream. */
  | { type: 'respond'; status: number; body: string; contentType?: string };

export interface FaultRequest {
  method: string;
  url: URL;
  /** 1 for the first request since the fault was switched on, then 2, 3… */
  n: number;
}

/** Decides per request; `undefined` means pass. */
export type Fault = (req: FaultRequest) => FaultAction | undefined;

export interface FaultProxy {
  url: string;
  /** Switches a fault on; `undefined` switches it off (and drops held requests). */
  setFault(fault: Fault | undefined): void;
  /** Path and query of every request seen since the last setFault. */
  readonly requests: string[];
  stop(): Promise<void>;
}

/** Common faults, for the fault-matrix rows. */
export const faults = {
  unreachable: (): Fault => () => ({ type: 'close' }),
  slow: (): Fault => () => ({ type: 'hang' }),
  status:
    (status: number, body = 'Service Unavailable'): Fault =>
    () => ({ type: 'respond', status, body, contentType: 'text/plain' }),
  json:
    (body: string, status = 200): Fault =>
    () => ({ type: 'respond', status, body }),
  /** Applies `fault` only to the requests whose URL `when` selects; the others pass. */
  only:
    (when: (url: URL) => boolean, fault: Fault): Fault =>
    req =>
      when(req.url) ? fault(req) : undefined,
};

/**
 * A small node:http proxy in front of a real upstream (Prometheus, an API server) that can
 * be switched between fault modes while the client keeps its configured URL.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let fault: Fault | undefined;
  let n = 0;
  let requests: string[] = [];
  const held = new Set<Socket>();
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', upstream);
    requests.push(url.pathname + url.search);
    n += 1;
    let action: FaultAction;
    try {
      action = fault?.({ method: req.method ?? 'GET', url, n }) ?? {
        type: 'pass',
      };
    } catch (e) {
      // A broken fault must show in the test, not hang the request.
      action = { type: 'respond', status: 599, body: String(e) };
    }
    switch (action.type) {
      case 'close':
        req.socket.destroy();
        return;
      case 'hang':
        held.add(req.socket);
        req.socket.once('close', () => held.delete(req.socket));
        req.resume();
        return;
      case 'respond':
        req.resume();
        res.writeHead(action.status, {
          'content-type': action.contentType ?? 'application/json',
        });
        res.end(action.body);
        return;
      default: {
        const headers = { ...req.headers, host: target.host };
        const forward = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers,
          },
          upstreamRes => {
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            upstreamRes.pipe(res);
          },
        );
        forward.on('error', () => req.socket.destroy());
        req.pipe(forward);
      }
    }
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    setFault(next) {
      fault = next;
      n = 0;
      requests = [];
      for (const socket of held) socket.destroy();
      held.clear();
    },
    get requests() {
      return requests;
    },
    stop: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
