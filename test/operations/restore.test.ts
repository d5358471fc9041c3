/**
 * `npm run restore -- <backup>`: a backup taken mid fan-out, restored, sends nothing twice; a
 * corrupt backup or a running service is refused with one line; the replaced file is kept.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHarness, seedDemoSchool, tempDbPath, type Harness } from '../support/harness';
import { runRestoreCli, type RestoreCliDeps } from '../../scripts/restore';
import { backupDatabase } from '../../src/store/backup';
import { DatabaseInUseError, lockDatabase } from '../../src/store/lock';
import { EXPIRED_AT_RESTORE, type Logger } from '../../src/core/ports';

const MIN = 60_000;
const T0 = new Date('2026-11-23T13:00:00Z');

type LogLine = { level: string; obj: object; msg: string };

function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void =>
      void lines.push({ level, obj, msg: msg ?? '' });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Queues a notice to each of the school's people, `n` rounds: a fan-out. */
function fanOut(h: Harness, tag: string, n: number, dueAt: Date): void {
  for (let i = 0; i < n; i++) {
    for (const handle of ['pat', 'casey', 'taylor', 'jordan']) {
      const u = h.user(handle);
      h.core.services.outbox.enqueue(
        {
          tenantId: u.tenantId,
          recipientId: u.id,
          kind: 'calendar.import',
          dedupeKey: `${tag}:${i}:${handle}`,
          message: { text: `${tag} ${i}`, blocks: [] },
          dueAt,
        },
        h.clock.now(),
      );
    }
  }
}

function restore(argv: string[], path: string, now: Date): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const deps: RestoreCliDeps = { env: { DATABASE_PATH: path }, now: () => now, stdout: (s) => (out += s), stderr: (s) => (err += s) };
  return { code: runRestoreCli(argv, deps), out, err };
}

async function backupMidFanOut(): Promise<{ path: string; backup: string; sentBefore: string[] }> {
  const path = tempDbPath();
  const h = createHarness({ databasePath: path, start: T0 });
  seedDemoSchool(h);
  fanOut(h, 'fanout', 25, T0); // 100 DMs due now
  // Half go out before the backup is taken, the rest after it.
  const firstHalf = sendSome(h, 50);
  const { path: backup } = await backupDatabase(h.core.db, join(dirname(path), 'backups'), 5, h.clock.now());
  const rest = await h.deliver();
  h.close();
  return { path, backup, sentBefore: [...firstHalf, ...rest.map((d) => d.message.text + '→' + d.to)] };
}

/** Sends exactly `n` due rows (a fan-out under way). */
function sendSome(h: Harness, n: number): string[] {
  const sent: string[] = [];
  const { claimed } = h.core.services.outbox.claimDue(h.clock.now(), 60_000, n);
  for (const row of claimed) {
    h.core.services.outbox.markSent({ id: row.id, leaseUntil: row.leaseUntil! }, h.clock.now());
    sent.push(row.message.text + '→' + h.core.services.people.userById(row.tenantId, row.recipientId)!.externalId);
  }
  return sent;
}

describe('restore without duplicates', () => {
  it('a backup taken mid fan-out, restored: the next start sends none of it again, once per restore, and logs the count', async () => {
    const { path, backup, sentBefore } = await backupMidFanOut();
    expect(sentBefore).toHaveLength(100);
    const restoredAt = new Date(T0.getTime() + 30 * MIN);
    const r = restore([backup], path, restoredAt);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Restored ${path} from ${basename(backup)}`);
    expect(r.out).toContain('50 messages that were due before now will not be sent');

    const logger = recordingLogger();
    const h = createHarness({ databasePath: path, start: new Date(restoredAt.getTime() + 5 * MIN), logger });
    // Something planned for later than the restore is still sent.
    fanOut(h, 'later', 1, new Date(restoredAt.getTime() + 10 * MIN));
    const sent = await h.advance(20 * MIN);
    expect(sent.filter((d) => d.message.text.startsWith('fanout'))).toEqual([]);
    expect(sent.filter((d) => d.message.text.startsWith('later'))).toHaveLength(4);
    const rows = h.core.db.prepare(`SELECT status, last_error, COUNT(*) AS n FROM outbox WHERE dedupe_key LIKE 'fanout:%' GROUP BY status, last_error`).all();
    expect(rows).toEqual([
      { status: 'expired', last_error: EXPIRED_AT_RESTORE, n: 50 },
      { status: 'sent', last_error: null, n: 50 },
    ]);
    expect(logger.lines.find((l) => l.msg.includes('restore'))).toMatchObject({ level: 'warn', obj: { expired: 50, backupFile: basename(backup) } });
    // A reminder planned again after the restore for a moment before it is not sent either.
    const pat = h.user('pat');
    h.core.services.outbox.plan(
      { tenantId: pat.tenantId, recipientId: pat.id, kind: 'agenda.prompt', dedupeKey: 'replanned', message: { text: 'replanned', blocks: [] }, dueAt: T0 },
      h.clock.now(),
    );
    expect(h.core.services.outbox.byDedupeKey('replanned')!.status).toBe('expired');
    h.close();

    // The next start does not apply the same restore again.
    const again = recordingLogger();
    const h2 = createHarness({ databasePath: path, start: new Date(restoredAt.getTime() + 60 * MIN), logger: again });
    expect(again.lines.filter((l) => l.msg.includes('restore'))).toEqual([]);
    expect(h2.core.db.prepare('SELECT backup_file, expired_rows, applied_at IS NOT NULL AS applied FROM restores').all()).toEqual([
      { backup_file: basename(backup), expired_rows: 50, applied: 1 },
    ]);
    h2.close();
  });

  it('keeps the replaced database beside it and writes the restored one 0600', async () => {
    const { path, backup } = await backupMidFanOut();
    const r = restore([backup], path, new Date(T0.getTime() + 30 * MIN));
    expect(r.code).toBe(0);
    const kept = readdirSync(dirname(path)).filter((n) => n.startsWith(`${basename(path)}.before-restore-`));
    expect(kept).toContain(`${basename(path)}.before-restore-20261123T133000Z`);
    expect(r.out).toContain(join(dirname(path), `${basename(path)}.before-restore-20261123T133000Z`));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dirname(path)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a corrupt backup with one line, and leaves the database alone', async () => {
    const { path, backup } = await backupMidFanOut();
    const bytes = readFileSync(backup);
    bytes.fill(0x41, 4096, 8192); // a page of garbage
    const corrupt = join(dirname(backup), 'corrupt.db');
    writeFileSync(corrupt, bytes);
    const before = readFileSync(path);
    const r = restore([corrupt], path, T0);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(
      new RegExp(`^touchpoint restore: ${corrupt.replace(/[/.]/g, '\\$&')} is not a sound Touchpoint database \\(.+\\): choose another backup`),
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    writeFileSync(corrupt, 'not a database at all');
    expect(restore([corrupt], path, T0).err).toContain('is not a sound Touchpoint database');
  });

  it('refuses while the service holds the lock file, unless --force; a lock file left by a stopped service does not block', async () => {
    const { path, backup } = await backupMidFanOut();
    // The service's lock: a write lock held on <database>.lock, naming its holder.
    const lock = new Database(`${path}.lock`);
    lock.exec('CREATE TABLE holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)');
    lock.prepare('INSERT INTO holder VALUES (1, ?, ?, ?)').run(4242, 'app-1', T0.toISOString());
    lock.exec('BEGIN IMMEDIATE');
    const refused = restore([backup], path, T0);
    expect([refused.code, refused.err.trim()]).toEqual([
      1,
      `touchpoint restore: Touchpoint is running on ${path} (process 4242 on app-1 holds ${path}.lock): stop it first, or pass --force if that process is not Touchpoint`,
    ]);
    expect(restore([backup, '--force'], path, T0).code).toBe(0);
    lock.exec('ROLLBACK');
    lock.close(); // the service stopped: the file stays, the lock does not
    expect(restore([backup], path, new Date(T0.getTime() + MIN)).code).toBe(0);
  });

  it('holds the service’s lock while it restores: a service starting meanwhile is refused, and starts once it is done', async () => {
    const { path, backup } = await backupMidFanOut();
    let startedMeanwhile: unknown = null;
    const deps: RestoreCliDeps = {
      env: { DATABASE_PATH: path },
      // Asked for the restore moment just before the copy: a service starting now would write into the file being replaced.
      now: () => {
        try {
          lockDatabase(path).release();
          startedMeanwhile = 'started';
        } catch (err) {
          startedMeanwhile = err;
        }
        return T0;
      },
      stdout: () => undefined,
      stderr: () => undefined,
    };
    expect(runRestoreCli([backup], deps)).toBe(0);
    expect(startedMeanwhile).toBeInstanceOf(DatabaseInUseError);
    expect((startedMeanwhile as Error).message).toContain(`${path} is in use by another Touchpoint (pid ${process.pid}`);
    lockDatabase(path).release();
  });

  it('reads a plain pid lock file: a live process blocks, a gone one does not', async () => {
    const { path, backup } = await backupMidFanOut();
    writeFileSync(`${path}.lock`, `${process.pid}\n`);
    expect(restore([backup], path, T0).err).toContain(`(process ${process.pid} holds ${path}.lock)`);
    writeFileSync(`${path}.lock`, '2147483646\n'); // no such process
    expect(restore([backup], path, T0).code).toBe(0);
  });

  it('prints its usage, and names a missing backup file', () => {
    const path = tempDbPath();
    const none = restore([], path, T0);
    expect([none.code, none.err]).toEqual([2, expect.stringContaining('usage: npm run restore -- <backup-file> [--force]')]);
    const missing = restore(['/nowhere/touchpoint-x.db'], path, T0);
    expect([missing.code, missing.err.trim()]).toEqual([1, 'touchpoint restore: there is no backup file at /nowhere/touchpoint-x.db']);
    expect(existsSync(path)).toBe(false);
  });
});
