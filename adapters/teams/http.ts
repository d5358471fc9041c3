/**
 * Plain node:http for botbuilder's `CloudAdapter.process(req, res, logic)`: it expects what
 * Express or Restify would hand it, a request with a parsed `body` and a response with
 * `status`/`header`/`send`/`end`. The service has one plain HTTP server, so this file reads the
 * JSON body itself and wraps the response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'botbuilder';

/** Activities are small; a megabyte leaves room for large cards and refuses floods. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads and parses a JSON object body; only `application/json` is accepted. */
export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  // A browser can post text/plain to a local port without a CORS preflight; it cannot post JSON.
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new BodyError(415, 'expected application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyError(413, 'request body too large');
    chunks.push(buf);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'request body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BodyError(400, 'request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** The request as botbuilder reads it. */
export function botRequest(req: IncomingMessage, body: Record<string, unknown>): Request {
  return { body, headers: req.headers, method: req.method };
}

/**
 * The Express-like response botbuilder writes to, over node's ServerResponse. `finalStatus` may
 * change the status (and then the body) just before it is written.
 */
export function botResponse(res: ServerResponse, finalStatus?: (status: number) => { status: number; body?: string }): Response {
  let status = 200;
  const headers: Record<string, string> = {};
  let payload: string | undefined;
  return {
    socket: res.socket,
    status(code: number) {
      status = code;
      return this;
    },
    header(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
      return this;
    },
    send(body?: unknown) {
      if (body === undefined || body === null) return this;
      if (typeof body === 'string') {
        payload = body;
        headers['content-type'] ??= 'text/plain; charset=utf-8';
      } else {
        payload = JSON.stringify(body);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      }
      return this;
    },
    end() {
      if (res.headersSent) return res.end();
      const changed = finalStatus?.(status);
      if (changed && changed.status !== status) {
        status = changed.status;
        payload = changed.body;
        headers['content-type'] = 'text/plain; charset=utf-8';
      }
      if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
      res.writeHead(status, headers);
      res.end(payload);
    },
  };
}
