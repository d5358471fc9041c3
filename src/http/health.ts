/**
 * `/healthz`: the process answers (liveness only — restarting it would not fix a full disk).
 * `/readyz`: it is doing its work — the database answers, is migrated and takes writes, the last
 * tick and the last dispatch pass succeeded, due reminders are not piling up, and each platform
 * is connected. Each check that fails says why, in words an operator can act on.
 */
import type { HttpServer } from './server';
import { sendJson } from './server';

export interface DatabaseHealth {
  reachable: boolean;
  migrated: boolean;
  /** False when a write probe fails (a read-only file, a full disk); undefined when not probed. */
  writable?: boolean;
  /** Why it is unreachable or not writable, naming the file. */
  detail?: string;
}

/** How a platform adapter is doing (a degraded start retries one that could not be reached). */
export interface PlatformHealth {
  ok: boolean;
  detail?: string;
}

/** The last failure of a recurring job, for readiness (wall-clock milliseconds). */
export interface LastFailure {
  wallMs: number;
  message: string;
}

export interface ReadinessProbe {
  database(): DatabaseHealth;
  /** Wall-clock milliseconds of the last successful scheduler tick, or null before the first. */
  lastTickWallMs(): number | null;
  /** The last tick's failure, when it failed after the last success. */
  lastTickFailure?(): LastFailure | null;
  /** The last dispatch pass's failure (the outbox claim threw), when no pass succeeded since. */
  lastDispatchFailure?(): LastFailure | null;
  /** Age in milliseconds of the oldest pending outbox row that is due, or null when none is. */
  oldestDueAgeMs?(): number | null;
  /** Due rows older than this make the service not ready (default BACKLOG_STALE_MS). */
  backlogThresholdMs?: number;
  /** Each configured platform's state. */
  platforms?(): Record<string, PlatformHealth>;
  /** Wall clock (tests pass their own). */
  nowMs?: () => number;
}

/** A scheduler that has not ticked for this long is not ready (it ticks every minute). */
export const TICK_STALE_MS = 2 * 60_000;
/** Due reminders waiting longer than this mean delivery is stuck (default of READY_BACKLOG_SECONDS). */
export const BACKLOG_STALE_MS = 10 * 60_000;

type Check = { ok: boolean; detail?: string };

const ago = (now: number, then: number): string => `${Math.max(0, Math.round((now - then) / 1000))} s ago`;

function databaseCheck(db: DatabaseHealth): Check {
  if (!db.reachable) return { ok: false, detail: db.detail ?? 'the database does not answer' };
  if (db.writable === false) return { ok: false, detail: db.detail ?? 'the database does not take writes' };
  return { ok: true };
}

function failureCheck(failure: LastFailure | null | undefined, now: number, what: string): Check {
  return failure ? { ok: false, detail: `${what} failed ${ago(now, failure.wallMs)}: ${failure.message}` } : { ok: true };
}

export function readiness(probe: ReadinessProbe): { ready: boolean; checks: Record<string, Check> } {
  const db = probe.database();
  const now = (probe.nowMs ?? Date.now)();
  const last = probe.lastTickWallMs();
  const tickFailure = probe.lastTickFailure?.();
  const tickFresh = last !== null && now - last <= TICK_STALE_MS;
  const checks: Record<string, Check> = {
    database: databaseCheck(db),
    migrations: { ok: db.migrated, ...(db.migrated ? {} : { detail: 'migrations are not all applied' }) },
    scheduler: tickFailure
      ? failureCheck(tickFailure, now, 'last tick')
      : { ok: tickFresh, ...(tickFresh ? {} : { detail: last === null ? 'no tick yet' : `last tick ${ago(now, last)}` }) },
  };
  if (probe.lastDispatchFailure) checks.dispatch = failureCheck(probe.lastDispatchFailure(), now, 'last dispatch pass');
  if (probe.oldestDueAgeMs) {
    const threshold = probe.backlogThresholdMs ?? BACKLOG_STALE_MS;
    let age: number | null;
    try {
      age = probe.oldestDueAgeMs();
    } catch {
      age = null; // the database check reports an unreadable database
    }
    checks.outbox =
      age !== null && age > threshold
        ? { ok: false, detail: `reminders due ${Math.round(age / 1000)} s ago are still waiting (threshold ${Math.round(threshold / 1000)} s)` }
        : { ok: true };
  }
  for (const [name, health] of Object.entries(probe.platforms?.() ?? {})) checks[name] = health;
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

export function registerHealth(http: HttpServer, probe: ReadinessProbe): void {
  const started = Date.now();
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000) }));
  http.route('GET', '/readyz', (_req, res) => {
    const r = readiness(probe);
    sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks });
  });
}
