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

/** The request id of the work under way, if it was started by an HTTP request. */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
