/** `/healthz` (the process answers) and `/readyz` (database reachable, migrated, scheduler ticking). */
import type { HttpServer } from './server';
import { sendJson } from './server';

export interface ReadinessProbe {
  database(): { reachable: boolean; migrated: boolean };
  /** Wall-clock milliseconds of the last scheduler tick, or null before the first. */
  lastTickWallMs(): number | null;
  /** Wall clock (tests pass their own). */
  nowMs?: () => number;
}

/** A scheduler that has not ticked for this long is not ready (it ticks every minute). */
export const TICK_STALE_MS = 2 * 60_000;

export function readiness(probe: ReadinessProbe): { ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> } {
  const db = probe.database();
  const last = probe.lastTickWallMs();
  const now = (probe.nowMs ?? Date.now)();
  const tickOk = last !== null && now - last <= TICK_STALE_MS;
  const checks = {
    database: { ok: db.reachable, ...(db.reachable ? {} : { detail: 'the database does not answer' }) },
    migrations: { ok: db.migrated, ...(db.migrated ? {} : { detail: 'migrations are not all applied' }) },
    scheduler: { ok: tickOk, ...(tickOk ? {} : { detail: last === null ? 'no tick yet' : `last tick ${Math.round((now - last) / 1000)} s ago` }) },
  };
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
