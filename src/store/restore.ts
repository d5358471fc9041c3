/**
 * Restoring a backup without duplicates. A backup holds the outbox as it stood when it was taken;
 * rows pending then may have been sent afterwards by the service that kept running. So the restore
 * is recorded in the restored database, and the first start after it expires every row that was
 * due before the restore moment (never re-sending what may already have gone out) — once per
 * restore. A row planned again later for a moment before the restore is stored expired too
 * (src/store/outbox.ts asks `RESTORE_GUARD`).
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Db } from './db';
import { openDatabase } from './db';
import { migrate } from './migrate';
import { EXPIRED_AT_RESTORE } from '../core/ports/outbox';

/** SQL: the latest restore moment, or '' when the database was never restored (compares below every ISO time). */
export const RESTORE_GUARD = `COALESCE((SELECT MAX(restored_at) FROM restores), '')`;

const iso = (d: Date): string => d.toISOString();
const stamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

/** Why the file is not a sound Touchpoint database, or null when it is. Opens it read-only. */
export function backupProblem(path: string): string | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const lines = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (lines[0] !== 'ok') return `integrity_check: ${lines[0]}${lines.length > 1 ? ` and ${lines.length - 1} more` : ''}`;
    const migrations = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get();
    return migrations ? null : 'it has no schema_migrations table';
  } catch (err) {
    return (err as Error)?.message ?? String(err);
  } finally {
    db?.close();
  }
}

/** The newest moment the database recorded: what it was sending and auditing when it was copied. */
export function newestActivity(db: Db): Date | null {
  const r = db
    .prepare(
      `SELECT MAX(t) AS t FROM (
         SELECT MAX(created_at) AS t FROM outbox UNION ALL SELECT MAX(sent_at) FROM outbox UNION ALL SELECT MAX(at) FROM audit_log)`,
    )
    .get() as { t: string | null };
  return r.t ? new Date(r.t) : null;
}

/**
 * Who runs the service on this database, or null when nobody does. The service holds a write lock
 * on `<database>.lock` (a small SQLite file naming its pid and host) for as long as it runs, and
 * the operating system drops it when the process dies — so a lock file left behind by a crash does
 * not count. A plain-text lock file holding a pid counts while that process is alive.
 */
export function serviceHolder(databasePath: string, isAlive: (pid: number) => boolean = processAlive): string | null {
  const path = `${databasePath}.lock`;
  if (!existsSync(path)) return null;
  let lock: Database.Database | undefined;
  try {
    lock = new Database(path, { fileMustExist: true });
    lock.pragma('busy_timeout = 0');
    try {
      lock.exec('BEGIN IMMEDIATE');
      lock.exec('ROLLBACK');
      return null;
    } catch (err) {
      if (!isBusy(err)) throw err;
    }
    let holder: { pid: number; host: string } | undefined;
    try {
      holder = lock.prepare('SELECT pid, host FROM holder WHERE id = 1').get() as { pid: number; host: string } | undefined;
    } catch {
      holder = undefined; // a holder that has not written itself yet
    }
    return holder ? `process ${holder.pid} on ${holder.host}` : 'another process';
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_NOTADB') throw err;
    const pid = Number(/\d+/.exec(readFileSync(path, 'utf8'))?.[0]);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? `process ${pid}` : null;
  } finally {
    lock?.close();
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fsyncPath(path: string, flags: string): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface RestoreResult {
  /** Where the replaced database (and its -wal/-shm, if any) was moved; null when there was none. */
  keptAs: string | null;
  newestActivity: Date | null;
  /** Rows due before the restore that the next start will expire. */
  toExpire: number;
}

/**
 * Copies the (already checked) backup into place atomically: a copy beside the database is
 * migrated, records the restore, is synced and renamed over it. The replaced file and its WAL go
 * to `<database>.before-restore-<timestamp>`.
 */
export function restoreBackup(backupPath: string, databasePath: string, now: Date): RestoreResult {
  const temp = `${databasePath}.restore-${stamp(now)}.tmp`;
  copyFileSync(backupPath, temp);
  let result: Omit<RestoreResult, 'keptAs'>;
  try {
    chmodSync(temp, 0o600);
    const db = openDatabase(temp);
    try {
      migrate(db, undefined, now);
      const newest = newestActivity(db);
      db.prepare('INSERT INTO restores (restored_at, backup_file, backup_newest_activity) VALUES (?, ?, ?)').run(
        iso(now),
        basename(backupPath),
        newest ? iso(newest) : null,
      );
      const toExpire = (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending') AND due_at <= ?`).get(iso(now)) as { n: number }).n;
      result = { newestActivity: newest, toExpire };
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    for (const side of ['-wal', '-shm']) rmSync(`${temp}${side}`, { force: true });
    fsyncPath(temp, 'r+');
  } catch (err) {
    for (const side of ['', '-wal', '-shm']) rmSync(`${temp}${side}`, { force: true });
    throw err;
  }
  const keptAs = `${databasePath}.before-restore-${stamp(now)}`;
  const hadDatabase = existsSync(databasePath);
  for (const side of ['', '-wal', '-shm']) {
    if (existsSync(`${databasePath}${side}`)) renameSync(`${databasePath}${side}`, `${keptAs}${side}`);
  }
  renameSync(temp, databasePath);
  fsyncPath(dirname(databasePath), 'r');
  return { keptAs: hadDatabase ? keptAs : null, ...result };
}

/**
 * At start-up, before anything is sent: each restore not yet applied expires the rows that were
 * due before it (pending, or claimed by a send the backup caught mid-way). Returns what was done.
 */
export function applyRestores(db: Db, now: Date): { backupFile: string; restoredAt: Date; expired: number }[] {
  const pending = db.prepare('SELECT id, restored_at, backup_file FROM restores WHERE applied_at IS NULL ORDER BY id').all() as {
    id: number;
    restored_at: string;
    backup_file: string;
  }[];
  return pending.map((r) =>
    db.transaction(() => {
      const expired = db
        .prepare(`UPDATE outbox SET status = 'expired', lease_until = NULL, last_error = ? WHERE status IN ('pending', 'sending') AND due_at <= ?`)
        .run(EXPIRED_AT_RESTORE, r.restored_at).changes;
      db.prepare('UPDATE restores SET applied_at = ?, expired_rows = ? WHERE id = ?').run(iso(now), expired, r.id);
      return { backupFile: r.backup_file, restoredAt: new Date(r.restored_at), expired };
    })(),
  );
}
