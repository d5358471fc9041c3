/**
 * Readiness that tells the truth: a full disk while running, a read-only database file, reminders
 * piling up, and a platform that is down each make /readyz answer 503 with a line saying what is
 * wrong; /healthz stays liveness only. The real core on a real SQLite file; the full disk is
 * SQLite's own SQLITE_FULL from the outbox claim (what the measured outage hit).
 */
import Database from 'better-sqlite3';
import { request } from 'node:http';
import { createHarness, seedDemoSchool, tempDbPath, type Harness } from '../support/harness';
import { HttpServer } from '../../src/http/server';
import { readiness, registerHealth, type ReadinessProbe } from '../../src/http/health';
import { databaseHealth } from '../../src/store/migrate';
import type { Logger } from '../../src/core/ports';

type Checks = Record<string, { ok: boolean; detail?: string }>;

function get(port: number, path: string): Promise<{ status: number; body: { status: string; checks: Checks } }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as { status: string; checks: Checks } }));
    })
      .on('error', reject)
      .end();
  });
}

/** The probe main.ts wires, on a harness. */
function probeOf(h: Harness, wall: { now: number }): ReadinessProbe {
  return {
    database: () => databaseHealth(h.core.db),
    lastTickWallMs: () => h.core.scheduler.lastTickWallMs,
    lastTickFailure: () => h.core.scheduler.lastFailure,
    lastDispatchFailure: () => h.core.dispatcher.lastFailure,
    oldestDueAgeMs: () => h.core.oldestDueAgeMs(),
    nowMs: () => wall.now,
  };
}

function diskFull(): Error {
  return Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

function recordingLogger(): Logger & { lines: { level: string; obj: Record<string, unknown>; msg?: string }[] } {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

describe('a full disk while running', () => {
  it('is not ready within one tick, naming the file; recovers and delivers once when space returns', async () => {
    const path = tempDbPath();
    const logger = recordingLogger();
    const h = createHarness({ databasePath: path, logger });
    seedDemoSchool(h);
    h.run('pat', 'book @casey weekly tue 14:00'); // queues the proposal DM to casey
    const wall = { now: Date.now() };
    const probe = probeOf(h, wall);
    const http = new HttpServer();
    registerHealth(http, probe);
    const { port } = await http.listen(0, '127.0.0.1');
    try {
      await h.core.scheduler.tick();
      expect((await get(port, '/readyz')).status).toBe(200);
      h.notifier.clear();
      await h.advance(0);

      // The disk fills: planning reads succeed, the claim's write fails.
      const taylor = h.user('taylor');
      h.core.services.outbox.enqueue(
        {
          tenantId: taylor.tenantId,
          recipientId: taylor.id,
          kind: 'test.note',
          dedupeKey: 'disk-full:1',
          message: { text: 'hello', blocks: [] },
          dueAt: h.clock.now(),
        },
        h.clock.now(),
      );
      const outbox = h.core.services.outbox;
      const claimDue = outbox.claimDue.bind(outbox);
      outbox.claimDue = () => {
        throw diskFull();
      };
      await expect(h.core.scheduler.tick()).rejects.toThrow('database or disk is full');

      const full = await get(port, '/readyz');
      expect(full.status).toBe(503);
      expect(full.body.checks.scheduler.ok).toBe(false);
      expect(full.body.checks.scheduler.detail).toContain(`last tick failed 0 s ago: ${path}: the disk is full (SQLITE_FULL)`);
      expect(full.body.checks.dispatch).toEqual({ ok: false, detail: expect.stringContaining(`${path}: the disk is full`) as string });
      expect((await get(port, '/healthz')).status).toBe(200);
      // The log line names the file and carries no stack trace.
      const failed = logger.lines.find((l) => l.msg === 'scheduler tick failed');
      expect(failed?.obj.err).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the disk is full`));
      expect(String(failed?.obj.err)).not.toContain('\n    at ');
      expect(h.notifier.sent).toEqual([]);

      // Space returns: the next tick delivers what waited, once, and the service is ready again.
      outbox.claimDue = claimDue;
      await h.core.scheduler.tick();
      expect(h.notifier.sent.map((d) => d.to)).toEqual(['taylor']);
      await h.core.scheduler.tick();
      expect(h.notifier.sent.map((d) => d.to)).toEqual(['taylor']);
      const back = await get(port, '/readyz');
      expect([back.status, back.body.checks.dispatch, back.body.checks.scheduler]).toEqual([200, { ok: true }, { ok: true }]);
    } finally {
      await http.close();
      h.close();
    }
  });
});

describe('a read-only database file', () => {
  it('is not ready, and the detail says the file is read-only, naming it', () => {
    const path = tempDbPath();
    const h = createHarness({ databasePath: path });
    h.close();
    // Root ignores file modes, so the read-only file is played by a read-only connection (what SQLite
    // falls back to when the service's user may not write the file).
    const db = new Database(path, { readonly: true });
    try {
      const health = databaseHealth(db);
      expect(health).toEqual({
        reachable: true,
        migrated: true,
        writable: false,
        detail: expect.stringContaining(`${path} is read-only (SQLITE_READONLY)`) as string,
      });
      const r = readiness({ database: () => health, lastTickWallMs: () => 1_000, nowMs: () => 1_000 });
      expect(r.ready).toBe(false);
      expect(r.checks.database.detail).toContain(`${path} is read-only`);
    } finally {
      db.close();
    }
  });
});

describe('the outbox backlog', () => {
  it('due reminders waiting longer than the threshold make the service not ready', async () => {
    const h = createHarness();
    seedDemoSchool(h);
    await h.core.scheduler.tick();
    h.run('pat', 'book @casey weekly tue 14:00'); // due now, and nothing delivers it
    const wall = { now: Date.now() };
    const probe = { ...probeOf(h, wall), backlogThresholdMs: 5 * 60_000 };
    expect(readiness(probe).checks.outbox).toEqual({ ok: true });
    h.clock.set(new Date(h.clock.now().getTime() + 6 * 60_000));
    expect(readiness(probe).checks.outbox).toEqual({ ok: false, detail: 'reminders due 360 s ago are still waiting (threshold 300 s)' });
    await h.deliver();
    expect(readiness(probe).checks.outbox).toEqual({ ok: true });
    h.close();
  });
});

describe('platforms', () => {
  it('a platform that is down makes the service not ready, by name, while the rest is fine', () => {
    const r = readiness({
      database: () => ({ reachable: true, migrated: true, writable: true }),
      lastTickWallMs: () => 1_000,
      nowMs: () => 1_000,
      platforms: () => ({ teams: { ok: true }, slack: { ok: false, detail: 'unreachable since 2026-11-23T13:00:00.000Z, retrying' } }),
    });
    expect(r).toEqual({
      ready: false,
      checks: {
        database: { ok: true },
        migrations: { ok: true },
        scheduler: { ok: true },
        teams: { ok: true },
        slack: { ok: false, detail: 'unreachable since 2026-11-23T13:00:00.000Z, retrying' },
      },
    });
  });
});
