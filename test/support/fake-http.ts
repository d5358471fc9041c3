/**
 * The HTTP scaffolding the fake platform servers share (test/support/fake-slack.ts,
 * test/support/fake-connector.ts, test/drills/support/fake-web-api.ts): a server on 127.0.0.1
 * and its URL, reading a request's body, answering, and a stop that does not wait for kept-alive
 * connections or for requests a fake chose never to answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FakeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface FakeServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** How long an idle kept-alive connection stays open (Node's default is 5 s). */
  keepAliveTimeoutMs?: number;
}

export class FakeHttpServer {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly port: number,
  ) {}

  /** Starts serving `handle` on 127.0.0.1. */
  static async listen(handle: FakeHandler, options: FakeServerOptions = {}): Promise<FakeHttpServer> {
    const server = createServer((req, res) => void handle(req, res));
    if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
    const sockets = new Set<Socket>();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    return new FakeHttpServer(server, sockets, (server.address() as AddressInfo).port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Drops every connection (idle, or waiting for an answer) and closes the server. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The whole request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Answers with `body`: a string as plain text, anything else as JSON. */
export function respond(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
