/**
 * The one HTTP server of the service: health, calendar feeds, and the routes adapters mount
 * (Slack `/slack/*`, Teams `/api/messages`). Plain node:http keeps the request handling
 * visible and lets the platform SDKs use their own request listeners.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/ports';
import { silentLogger } from '../core/ports';
import { errorLogFields } from '../core/known-errors';
import { withRequestId } from './request-context';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

interface Route {
  method: string;
  /** Exact path, or a prefix when it ends with `*`. */
  path: string;
  handler: RouteHandler;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Paths that carry a secret (feed and export tokens) are logged without it. */
export function loggablePath(path: string): string {
  return path.replace(/^\/(calendar|export)\/[^/]+$/, '/$1/[token]');
}

export class HttpServer {
  private readonly routes: Route[] = [];
  readonly server: Server;
  private readonly logger: Logger;

  constructor(logger: Logger = silentLogger) {
    this.logger = logger;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** The database file, named when a handler fails on it (a full disk). */
  databasePath?: string;

  private handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers['x-request-id'];
    // One id per request, echoed to the caller and on every log line it causes, so a report can be traced.
    const requestId = typeof header === 'string' && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
    return withRequestId(requestId, () => this.serve(req, res, requestId));
  }

  route(method: string, path: string, handler: RouteHandler): void {
    this.routes.push({ method: method.toUpperCase(), path, handler });
  }

  private async serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      this.logger.debug(
        { requestId, method: req.method, path: loggablePath(path), status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'http request',
      );
    });
    const route = this.routes.find(
      (r) => (r.method === req.method || r.method === '*') && (r.path.endsWith('*') ? path.startsWith(r.path.slice(0, -1)) : r.path === path),
    );
    if (!route) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    try {
      await route.handler(req, res);
    } catch (err) {
      this.logger.error({ ...errorLogFields(err, this.databasePath), requestId, path: loggablePath(path), method: req.method }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    }
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections?.();
    });
  }
}
