/**
 * The id of the HTTP request being handled, carried through everything it causes — the handler's
 * log lines, and the dispatch pass it starts (its send lines) — without passing it by hand. The
 * logger adds it to every line written inside a request (src/logger.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const context = new AsyncLocalStorage<{ requestId: string }>();

export function withRequestId<T>(requestId: string, run: () => T): T {
  return context.run({ requestId }, run);
}

/**
 * Runs work as part of the given request, or of none: a dispatch pass runs outside any request,
 * and each row's send inside the request that queued it, so its lines name that request alone.
 */
export function withRequestIdOrNone<T>(requestId: string | null | undefined, run: () => T): T {
  return requestId ? context.run({ requestId }, run) : context.exit(run);
}

/** The request id of the work under way, if it was started by an HTTP request. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
