/**
 * One service per database: two on one file would both run the backups and the retention, and
 * fight over every claim. The service holds SQLite's write lock on a small companion file,
 * `<database>.lock`, for as long as it runs; a second start finds it held and is refused with a
 * line naming the file and the holder (pid and host, read from the same file). The operating system
 * drops the lock when the holder dies, even by SIGKILL, so a crash never leaves a stale lock behind
 * — on this machine or from another container sharing the volume. Tools that only read (a backup)
 * do not take it.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { describeDatabaseError, knownDatabaseCondition } from '../core/known-errors';
import { DatabaseOpenError } from './db';

export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

/** `<database>.lock` is some other file (a plain pid file another tool wrote, garbage). */
export class NotALockFileError extends DatabaseOpenError {
  override name = 'NotALockFileError';
}

export interface DatabaseLock {
  readonly path: string;
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * A lock file Touchpoint cannot use, named as what it is: the database beside it is fine, so the
 * line must not send the operator to restore a backup (as the database's own error would).
 */
function lockFileError(err: unknown, path: string, databasePath: string): unknown {
  const known = knownDatabaseCondition(err);
  if (!known) return err;
  if (known.condition === 'corrupt')
    return new NotALockFileError(
      `${path} is not a Touchpoint lock file (${known.code}); if no other program uses it, delete it and start again — ${databasePath} itself is not affected`,
    );
  return new DatabaseOpenError(describeDatabaseError(err, path));
}

/**
 * Takes the lock of `databasePath` or throws `DatabaseInUseError` (held by another), or
 * `DatabaseOpenError` naming the lock file (not usable); none for an in-memory database.
 */
export function lockDatabase(databasePath: string, me: { pid?: number; host?: string; now?: Date } = {}): DatabaseLock {
  if (databasePath === ':memory:' || databasePath === '') return { path: '', release: () => undefined };
  const path = `${databasePath}.lock`;
  try {
    return takeLock(databasePath, path, me);
  } catch (err) {
    throw lockFileError(err, path, databasePath);
  }
}

function takeLock(databasePath: string, path: string, me: { pid?: number; host?: string; now?: Date }): DatabaseLock {
  mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  const created = !existsSync(path);
  const lock = new Database(path);
  try {
    if (created) chmodSync(path, 0o600);
    lock.pragma('busy_timeout = 0');
  } catch (err) {
    lock.close();
    throw err;
  }
  const holder: Holder = { pid: me.pid ?? process.pid, host: me.host ?? hostname(), since: (me.now ?? new Date()).toISOString() };
  const refuse = (): never => {
    let other: Holder | undefined;
    try {
      other = lock.prepare('SELECT pid, host, since FROM holder WHERE id = 1').get() as Holder | undefined;
    } catch {
      other = undefined; // a holder that has not written itself yet
    }
    lock.close();
    const who = other ? `pid ${other.pid} on ${other.host}, since ${other.since}` : 'another process';
    throw new DatabaseInUseError(`${databasePath} is in use by another Touchpoint (${who}); stop that one first — only one may run on a database`);
  };
  try {
    // Write ourselves as the holder, then hold the write lock (RESERVED: readers may still read who holds it).
    lock.exec('BEGIN IMMEDIATE');
    lock.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)');
    lock.prepare('INSERT OR REPLACE INTO holder (id, pid, host, since) VALUES (1, ?, ?, ?)').run(holder.pid, holder.host, holder.since);
    lock.exec('COMMIT');
    // Between the commit and this, another start may have taken it: whoever holds it now is the one.
    lock.exec('BEGIN IMMEDIATE');
  } catch (err) {
    if (lock.inTransaction) lock.exec('ROLLBACK');
    if (isBusy(err)) refuse();
    lock.close();
    throw err;
  }
  return {
    path,
    release: () => {
      if (!lock.open) return;
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
    },
  };
}
