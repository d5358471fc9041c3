/**
 * Running it as a district would: readiness, graceful shutdown with a send in flight, backups that
 * restore, the privacy of the export, and retention.
 */
import { request } from 'node:http';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHarness, seedDemoSchool, seedSchool, bookAccepted, inbound, tempDbPath, text, type Harness } from '../support/harness';
import { HttpServer } from '../../src/http/server';
import { registerHealth, readiness } from '../../src/http/health';
import { databaseHealth } from '../../src/store/migrate';
import { backupDatabase, listBackups } from '../../src/store/backup';
import { gracefulStop, onSignals } from '../../src/lifecycle';
import { buildExport, exportRoute, runRetention } from '../../src/features/operations/commands';
import { buildCore } from '../../src/compose';
import { SettableClock, type Delivery, type Notifier, silentLogger } from '../../src/core/ports';
import { formOf } from '../../src/messages/model';
import { internalMention } from '../../src/core/app';

function get(port: number, path: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

/** The /readyz body. */
type ReadyzBody = { status: string; checks: Record<string, { ok: boolean; detail?: string }> };

describe('health', () => {
  it('/readyz is ready after a tick, and turns false when the database is closed', async () => {
    const h = createHarness();
    const http = new HttpServer();
    registerHealth(http, { database: () => databaseHealth(h.core.db), lastTickWallMs: () => h.core.scheduler.lastTickWallMs });
    const { port } = await http.listen(0, '127.0.0.1');
    try {
      expect(JSON.parse((await get(port, '/readyz')).body)).toEqual({
        status: 'not ready',
        checks: { database: { ok: true }, migrations: { ok: true }, scheduler: { ok: false, detail: 'no tick yet' } },
      });
      await h.core.scheduler.tick();
      const ready = await get(port, '/readyz');
      expect([ready.status, (JSON.parse(ready.body) as ReadyzBody).status]).toEqual([200, 'ready']);
      h.close();
      const closed = await get(port, '/readyz');
      expect(closed.status).toBe(503);
      expect((JSON.parse(closed.body) as ReadyzBody).checks.database).toEqual({ ok: false, detail: 'the database does not answer' });
      expect((await get(port, '/healthz')).status).toBe(200);
    } finally {
      await http.close();
    }
  });

  it('a scheduler that stopped ticking makes the service not ready', () => {
    const r = readiness({ database: () => ({ reachable: true, migrated: true }), lastTickWallMs: () => 1_000, nowMs: () => 1_000 + 3 * 60_000 });
    expect(r).toEqual({ ready: false, checks: { database: { ok: true }, migrations: { ok: true }, scheduler: { ok: false, detail: 'last tick 180 s ago' } } });
  });
});

describe('graceful shutdown', () => {
  it('waits for the send in flight, which completes and is recorded; then closes everything', async () => {
    let release: (d: Delivery) => void = () => undefined;
    const started: string[] = [];
    let onStarted: () => void = () => undefined;
    const sendStarted = new Promise<void>((r) => (onStarted = r));
    const slow: Notifier = {
      platform: 'console',
      send: (to) => {
        started.push(to.externalId);
        onStarted();
        return new Promise((resolve) => (release = resolve));
      },
    };
    const clock = new SettableClock(new Date('2026-11-23T15:00:00Z'));
    const core = buildCore({ databasePath: tempDbPath(), clock, notifiers: [slow], deliverImmediately: false });
    const h = { core, clock } as unknown as Harness;
    seedDemoSchool(h);
    core.app.command(inbound('pat'), 'touchpoint', 'book @casey weekly tue 14:00');
    const dispatching = core.dispatcher.dispatchDue();
    await sendStarted;
    expect(started).toEqual(['casey']);
    let httpClosed = false;
    let stopped = false;
    const stopping = gracefulStop({
      stopTimers: () => undefined,
      scheduler: core.scheduler,
      dispatcher: core.dispatcher,
      closeHttp: () => {
        httpClosed = true;
        return Promise.resolve();
      },
      closeDatabase: () => core.close(),
      logger: silentLogger,
    }).then(() => {
      stopped = true;
    });
    await new Promise((r) => setImmediate(r));
    expect([stopped, httpClosed, core.db.open]).toEqual([false, false, true]);
    const row = core.db.prepare(`SELECT status FROM outbox WHERE dedupe_key = 'booking.proposal:1'`).get();
    expect(row).toEqual({ status: 'sending' });
    release({ status: 'delivered' });
    await dispatching;
    await stopping;
    expect([stopped, httpClosed, core.db.open]).toEqual([true, true, false]);
    const reopened = buildCore({ databasePath: (core.db as unknown as { name: string }).name, clock });
    expect(reopened.services.outbox.byDedupeKey('booking.proposal:1')!.status).toBe('sent');
    reopened.close();
  });

  it('requests accepted before the server closed finish before the database closes', async () => {
    const core = buildCore({ databasePath: ':memory:', clock: new SettableClock(new Date('2026-11-23T15:00:00Z')), deliverImmediately: false });
    const order: string[] = [];
    let finishRequest: () => void = () => undefined;
    const stopping = gracefulStop({
      stopTimers: () => undefined,
      scheduler: core.scheduler,
      dispatcher: core.dispatcher,
      closeHttp: () => {
        order.push('http closed');
        return Promise.resolve();
      },
      settleAdapters: () =>
        new Promise<void>(
          (r) =>
            (finishRequest = () => {
              order.push('requests done');
              r();
            }),
        ),
      closeDatabase: () => {
        order.push('database closed');
        core.close();
      },
      logger: silentLogger,
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect([order, core.db.open]).toEqual([['http closed'], true]);
    finishRequest();
    await stopping;
    expect(order).toEqual(['http closed', 'requests done', 'database closed']);
  });

  it('a second signal forces the exit', async () => {
    const exits: number[] = [];
    let finish: () => void = () => undefined;
    const off = onSignals(
      () => new Promise<void>((r) => (finish = r)),
      (code) => exits.push(code),
      silentLogger,
      ['SIGUSR2'],
    );
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(exits).toEqual([]);
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(exits).toEqual([1]);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(exits).toEqual([1, 0]);
    off();
  });
});

describe('backups', () => {
  it('a backup restores into a working database, and only the newest N are kept', async () => {
    const h = createHarness({ databasePath: tempDbPath() });
    seedDemoSchool(h);
    bookAccepted(h);
    const dir = mkdtempSync(join(tmpdir(), 'touchpoint-backups-'));
    const first = await backupDatabase(h.core.db, dir, 2, new Date('2026-11-21T03:15:00Z'));
    await backupDatabase(h.core.db, dir, 2, new Date('2026-11-22T03:15:00Z'));
    const third = await backupDatabase(h.core.db, dir, 2, new Date('2026-11-23T03:15:00Z'));
    expect(listBackups(dir)).toEqual(['touchpoint-20261123T031500Z.db', 'touchpoint-20261122T031500Z.db']);
    expect(existsSync(first.path)).toBe(false);
    expect(third.removed).toEqual(['touchpoint-20261121T031500Z.db']);
    h.close();

    const restored = createHarness({ databasePath: third.path });
    expect(text(restored.run('casey', 'next'))).toContain('Next touch-point with Pat Rivera: Tue 24 Nov 2026, 14:00–14:30 EST.');
    expect(text(restored.run('pat', 'add wins Restored and writable'))).toContain('Added to the agenda');
    restored.close();
    expect(readdirSync(dir).filter((n) => n.endsWith('.db'))).toHaveLength(2);
  });
});

describe('export', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-18T15:00:00Z') });
    seedSchool(h, {
      name: 'Demo Elementary',
      members: [
        ['pat', 'Pat Rivera', 'principal'],
        ['casey', 'Casey Lee', 'coach'],
        ['taylor', 'Taylor Morgan', 'teacher'],
        ['alex', 'Alex Admin', 'admin'],
      ],
    });
    bookAccepted(h);
    h.run('pat', 'add support Private agenda item about room 12');
    const form = formOf(h.run('casey', 'escalate').messages[0])!;
    const asked = h.core.app.submitForm(inbound('casey'), form.formId, {
      concern: 'Secret escalation concern text',
      category: 'conduct',
      about: internalMention(h.user('taylor')),
      urgency: 'wait',
    }).reply;
    h.press('casey', h.press('casey', asked.messages[0], 'Yes, we talked').messages[0], 'Raise it — they know');
  });
  afterEach(() => h.close());

  it('gives the admin a one-time link to JSON without private content', async () => {
    const reply = text(h.run('alex', 'export'));
    const url = /http:\/\/\S+\.json/.exec(reply)![0];
    const path = new URL(url).pathname;
    const http = new HttpServer();
    http.route('GET', '/export/*', exportRoute(h.core.registry, h.core.services, h.clock));
    const { port } = await http.listen(0, '127.0.0.1');
    try {
      const res = await get(port, path);
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toContain('attachment');
      const data = JSON.parse(res.body) as { school: unknown; escalations: unknown; partnerships: unknown[] };
      expect(data.school).toEqual({ name: 'Demo Elementary', timeZone: 'America/New_York', schoolDay: '07:30-15:30' });
      expect(data.escalations).toEqual([{ category: 'Professional conduct', stage: 'raised for the next touch-point', count: 1 }]);
      expect(data.partnerships[0]).toMatchObject({ principal: 'Pat Rivera', coach: 'Casey Lee', status: 'active', cadence: 'weekly' });
      expect(res.body).not.toContain('Private agenda item');
      expect(res.body).not.toContain('Secret escalation concern');
      expect((await get(port, path)).status).toBe(404); // once only
      expect((await get(port, '/export/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.json')).status).toBe(404);
    } finally {
      await http.close();
    }
  });

  it('lists no teachers, and gives a principal neither escalation counts nor the audit log', () => {
    const school = h.core.services.people.schoolsOfTenant(h.user('pat').tenantId)[0];
    const actorOf = (handle: string) => ({
      user: h.user(handle),
      tenant: h.core.services.people.tenantById(h.user(handle).tenantId)!,
      memberships: h.core.services.people.membershipsOf(h.user(handle).tenantId, h.user(handle).id),
    });
    const forPrincipal = buildExport(h.core.registry, h.core.services, actorOf('pat'), school, h.clock.now());
    expect(forPrincipal.members).toEqual([
      { name: 'Alex Admin', role: 'admin' },
      { name: 'Casey Lee', role: 'coach' },
      { name: 'Pat Rivera', role: 'principal' },
    ]);
    expect(forPrincipal.escalations).toEqual([]);
    expect(forPrincipal.auditLog).toEqual([]);
    const forAdmin = buildExport(h.core.registry, h.core.services, actorOf('alex'), school, h.clock.now());
    expect(JSON.stringify(forAdmin.members)).not.toContain('Taylor');
    expect((forAdmin.auditLog as unknown[]).length).toBeGreaterThan(0);
  });

  it('is refused to coaches and teachers', () => {
    expect(text(h.run('casey', 'export'))).toBe('Only a school admin or principal exports the school’s data.');
    expect(text(h.run('taylor', 'export'))).toBe('Only a school admin or principal exports the school’s data.');
  });
});

describe('retention', () => {
  it('deletes resolved escalations older than the setting and keeps newer and open ones', () => {
    const h = createHarness({ start: new Date('2025-01-06T15:00:00Z') });
    seedDemoSchool(h);
    const make = (concern: string): number => {
      const form = formOf(h.run('casey', 'escalate').messages[0])!;
      h.core.app.submitForm(inbound('casey'), form.formId, { concern, category: 'other', about: 'none', urgency: 'wait' });
      return (h.core.db.prepare('SELECT MAX(id) AS id FROM escalations').get() as { id: number }).id;
    };
    const old = make('old and resolved');
    h.core.app.action(inbound('casey'), 'escalation.worked-out', String(old));
    h.clock.set(new Date('2025-03-01T15:00:00Z'));
    const newer = make('newer and resolved');
    h.core.app.action(inbound('casey'), 'escalation.worked-out', String(newer));
    make('still open');
    // The audit entries of the first week are past the window too: the count covers them.
    const oldAudit = (h.core.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE at < '2025-01-11'`).get() as { n: number }).n;
    expect(oldAudit).toBeGreaterThan(0);
    const deleted = runRetention(h.core.registry, h.core.services, new Date('2026-02-15T15:00:00Z'), 400);
    expect(deleted).toBe(1 + oldAudit);
    expect((h.core.db.prepare('SELECT concern FROM escalations ORDER BY id').all() as { concern: string }[]).map((r) => r.concern)).toEqual([
      'newer and resolved',
      'still open',
    ]);
    h.close();
  });

  it('deletes audit entries older than the setting and keeps recent ones', () => {
    const start = new Date('2025-01-06T15:00:00Z');
    const h = createHarness({ start });
    seedDemoSchool(h);
    h.run('pat', 'export');
    h.clock.set(new Date(start.getTime() + 60 * 86_400_000));
    h.run('pat', 'export');
    const exports = (): string[] =>
      (h.core.db.prepare(`SELECT at FROM audit_log WHERE action = 'school.export' ORDER BY id`).all() as { at: string }[]).map((r) => r.at);
    expect(exports()).toEqual(['2025-01-06T15:00:00.000Z', '2025-03-07T15:00:00.000Z']);
    runRetention(h.core.registry, h.core.services, new Date(start.getTime() + 420 * 86_400_000), 400);
    expect(exports()).toEqual(['2025-03-07T15:00:00.000Z']);
    // Nothing older than the window is left, whatever the action.
    expect((h.core.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE at < '2025-01-26'`).get() as { n: number }).n).toBe(0);
    h.close();
  });
});
