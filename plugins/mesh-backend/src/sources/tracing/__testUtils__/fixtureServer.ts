import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A small HTTP server on 127.0.0.1 that answers a tracing back end's routes from fixture
 * files, as the real API would (status, content type, body), and records what it was
 * asked and how many requests it had in flight at once.
 */

export interface FixtureRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

export interface FixtureResponse {
  status?: number;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  contentType?: string;
  /** Answer after this long (the request counts as in flight meanwhile). */
  delayMs?: number;
}

export type FixtureHandler = (
  req: FixtureRequest,
) => FixtureResponse | undefined;

export interface FixtureServer {
  url: string;
  requests: FixtureRequest[];
  /** Most requests in flight at one time. */
  readonly maxInFlight: number;
  paths(): string[];
  close(): Promise<void>;
}

const FIXTURES = path.join(__dirname, '..', '__fixtures__');

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function fixtureText(name: string): string {
  return fs.readFileSync(fixturePath(name), 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

/** Go's net/http answer for a path no handler serves. */
export const GO_NOT_FOUND: FixtureResponse = {
  status: 404,
  body: '404 page not found\n',
  contentType: 'text/plain; charset=utf-8',
};

export async function startFixtureServer(
  handler: FixtureHandler,
): Promise<FixtureServer> {
  const requests: FixtureRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: FixtureRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    };
    requests.push(request);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const done = () => {
      inFlight -= 1;
    };
    res.on('close', done);

    let answer: FixtureResponse;
    try {
      answer = handler(request) ?? GO_NOT_FOUND;
    } catch (e) {
      answer = { status: 599, body: `fixture handler threw: ${e}` };
    }
    const send = () => {
      if (res.destroyed) return;
      const body =
        typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body ?? null);
      res.writeHead(answer.status ?? 200, {
        'content-type':
          answer.contentType ??
          (typeof answer.body === 'string'
            ? 'text/plain; charset=utf-8'
            : 'application/json'),
      });
      res.end(body);
    };
    if (answer.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    } else {
      send();
    }
  });

  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    paths: () => requests.map(r => r.path),
    close: async () => {
      timers.forEach(t => clearTimeout(t));
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

/** A loopback URL where nothing listens: a port just freed. */
export async function unreachableUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The window the fixtures' traces fall in (they start at 2026-03-01T10:00:00Z). */
export const WINDOW = {
  start: new Date('2026-03-01T09:45:00.000Z'),
  end: new Date('2026-03-01T10:05:00.000Z'),
};
