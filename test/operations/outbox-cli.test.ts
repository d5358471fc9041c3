/**
 * `npm run outbox -- list|retry <id>|retry-all --since <date>`: the operator's view of failed
 * deliveries on the database file, run in-process.
 */
import { createHarness, seedDemoSchool, tempDbPath, type Harness } from '../support/harness';
import { runOutboxCli, type OutboxCliDeps } from '../../scripts/outbox';
import { openDatabase } from '../../src/store/db';

const HOUR = 3_600_000;
const NOW = new Date('2026-11-23T13:00:00Z');

function seeded(): { path: string; ids: Record<string, number> } {
  const path = tempDbPath();
  const h: Harness = createHarness({ databasePath: path, start: NOW });
  seedDemoSchool(h);
  const ids: Record<string, number> = {};
  const add = (name: string, to: string, kind: string, error: string, o: { dueAgoMs?: number; expiresInMs?: number; status?: string } = {}): void => {
    const r = h.user(to);
    const due = new Date(NOW.getTime() - (o.dueAgoMs ?? 2 * HOUR));
    h.core.services.outbox.enqueue(
      {
        tenantId: r.tenantId,
        recipientId: r.id,
        kind,
        dedupeKey: `cli:${name}`,
        message: { text: 'SECRET body', blocks: [] },
        dueAt: due,
        expiresAt: o.expiresInMs === undefined ? null : new Date(NOW.getTime() + o.expiresInMs),
      },
      due,
    );
    h.core.db
      .prepare(`UPDATE outbox SET status = ?, attempts = 4, last_error = ?, dead_at = ? WHERE dedupe_key = ?`)
      .run(o.status ?? 'dead', error, NOW.toISOString(), `cli:${name}`);
    ids[name] = h.core.services.outbox.byDedupeKey(`cli:${name}`)!.id;
  };
  add('prompt', 'pat', 'agenda.prompt', 'HTTP 500 from Slack');
  add('gone', 'casey', 'action.due', 'unreachable: account_inactive');
  add('coaching', 'taylor', 'coaching.accepted', 'HTTP 500');
  add('late', 'pat', 'agenda.compiled', 'HTTP 500', { expiresInMs: -HOUR });
  add('expired', 'casey', 'meeting.outcome', '', { status: 'expired', dueAgoMs: 3 * HOUR });
  add('old', 'pat', 'action.due', 'HTTP 500', { dueAgoMs: 20 * 24 * HOUR });
  h.close();
  return { path, ids };
}

function run(argv: string[], path: string): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const deps: OutboxCliDeps = { env: { DATABASE_PATH: path }, now: () => NOW, stdout: (s) => (out += s), stderr: (s) => (err += s) };
  const code = runOutboxCli(argv, deps);
  return { code, out, err };
}

function rowOf(path: string, id: number): { status: string; attempts: number } {
  const db = openDatabase(path);
  try {
    return db.prepare('SELECT status, attempts FROM outbox WHERE id = ?').get(id) as { status: string; attempts: number };
  } finally {
    db.close();
  }
}

describe('npm run outbox', () => {
  it('prints its usage, and refuses an unknown command or a bad option with one line', () => {
    const { path } = seeded();
    const help = run([], path);
    expect(help.code).toBe(2);
    expect(help.err).toContain('usage: npm run outbox -- list [--since <date>] [--status dead|unreachable|expired]');
    const bad = run(['frobnicate'], path);
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([2, 'touchpoint outbox: unknown command "frobnicate"']);
    expect(run(['list', '--status', 'lost'], path).err).toContain('--status must be dead, unreachable or expired');
    expect(run(['list', '--since', 'yesterday-ish'], path).err).toContain('--since must be a date like 2026-11-20');
    expect(run(['retry', 'x'], path).err).toContain('retry needs a delivery id (a number)');
    expect(run(['retry-all'], path).err).toContain('retry-all needs --since <date>');
  });

  it('names the database it cannot find', () => {
    const r = run(['list'], '/nonexistent/dir/touchpoint.db');
    expect([r.code, r.err.trim()]).toEqual([1, 'touchpoint outbox: DATABASE_PATH: there is no database at /nonexistent/dir/touchpoint.db']);
  });

  it('lists failed and unreachable deliveries without their content; a confidential kind as a private message', () => {
    const { path, ids } = seeded();
    const r = run(['list'], path);
    expect(r.code).toBe(0);
    expect(r.out).toContain('4 failed deliveries since 2026-11-16');
    expect(r.out).toMatch(new RegExp(`${ids.prompt}\\s.*agenda prompt.*Pat Rivera.*4 attempts.*HTTP 500 from Slack`));
    expect(r.out).toMatch(new RegExp(`${ids.gone}\\s.*Casey Lee.*unreachable: account_inactive`));
    expect(r.out).toContain('private message');
    expect(r.out).not.toMatch(/SECRET|coaching|Taylor/i);
    const unreachable = run(['list', '--status', 'unreachable'], path);
    expect(unreachable.out).toContain('1 failed delivery');
    expect(run(['list', '--status', 'expired'], path).out).toContain('after-meeting check-in');
    expect(run(['list', '--since', '2026-11-01'], path).out).toContain('5 failed deliveries');
  });

  it('retry <id> re-queues one row, audited as the operator; a row whose moment passed is refused', () => {
    const { path, ids } = seeded();
    const ok = run(['retry', String(ids.prompt)], path);
    expect([ok.code, ok.out.trim()]).toEqual([0, `Re-queued delivery ${ids.prompt} (agenda prompt to Pat Rivera): it goes out at the service's next tick.`]);
    expect(rowOf(path, ids.prompt)).toEqual({ status: 'pending', attempts: 0 });
    const db = openDatabase(path);
    expect(db.prepare(`SELECT actor_id, action, subject_id, detail FROM audit_log WHERE action = 'delivery.retry'`).all()).toEqual([
      { actor_id: null, action: 'delivery.retry', subject_id: ids.prompt, detail: 'operator: npm run outbox' },
    ]);
    db.close();
    const late = run(['retry', String(ids.late)], path);
    expect([late.code, late.err.trim()]).toEqual([1, 'touchpoint outbox: The compiled agenda was for a moment that has passed: it is not sent late.']);
    expect(run(['retry', '99999'], path).err).toContain('That is not a failed delivery any more');
  });

  it('retry-all --since re-queues what can be sent and counts what cannot', () => {
    const { path, ids } = seeded();
    const r = run(['retry-all', '--since', '2026-11-01'], path);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Re-queued 3 of 5 deliveries');
    expect(r.out).toContain('1 not sent again: its moment has passed');
    expect(r.out).toContain('1 not sent again: due over 14 days ago');
    expect(rowOf(path, ids.prompt).status).toBe('pending');
    expect(rowOf(path, ids.gone).status).toBe('pending');
    expect(rowOf(path, ids.late).status).toBe('dead');
    expect(rowOf(path, ids.old).status).toBe('dead');
  });
});
