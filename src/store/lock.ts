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

export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
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

/** Takes the lock of `databasePath` or throws `DatabaseInUseError`; none for an in-memory database. */
export function lockDatabase(databasePath: string, me: { pid?: number; host?: string; now?: Date } = {}): DatabaseLock {
  if (databasePath === ':memory:' || databasePath === '') return { path: '', release: () => undefined };
  const path = `${databasePath}.lock`;
  mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  const created = !existsSync(path);
  const lock = new Database(path);
  if (created) chmodSync(path, 0o600);
  lock.pragma('busy_timeout = 0');
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
