/**
 * Plain node:http for the Teams endpoint: the service has one plain HTTP server, so this file
 * reads the JSON body itself and turns it into the Activity botbuilder's turn takes.
 */
import type { IncomingMessage } from 'node:http';
import type { Activity } from 'botbuilder';
import { z } from 'zod';

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

const ActivityBody = z.looseObject({ type: z.string().min(1, 'activity type is empty') });

/**
 * The body as an Activity, as botbuilder's own request handling reads it (its date fields as
 * Dates, the text kept beside them), or a one-line reason it is not one.
 */
export function activityOf(body: Record<string, unknown>): { activity: Activity } | { error: string } {
  const parsed = ActivityBody.safeParse(body);
  if (!parsed.success) return { error: `not a Bot Framework activity: ${parsed.error.issues[0]?.message ?? 'no type'}` };
  const activity = { ...parsed.data } as Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  // Checked above for its type; the rest is botbuilder's to read (it tolerates missing fields).
  return { activity: activity as unknown as Activity };
}
