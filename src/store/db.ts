/** The SQLite connection: the only place better-sqlite3 is opened. */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeDatabaseError } from '../core/known-errors';

export type Db = Database.Database;

export interface OpenOptions {
  /** Milliseconds a statement waits for another connection's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/** A database that cannot be opened for a reason the operator fixes: one line naming the file. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/**
 * Opens (creating the directory on first run) with WAL, foreign keys and a busy timeout. The
 * directory is created 0700 and a new file 0600: the database holds OAuth tokens. A full disk, a
 * read-only or damaged file throws a `DatabaseOpenError` saying so.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  try {
    return open(path, options);
  } catch (err) {
    const known = describeDatabaseError(err, path);
    if (known) throw new DatabaseOpenError(known);
    throw err;
  }
}

function open(path: string, options: OpenOptions): Db {
  const onDisk = path !== ':memory:' && path !== '';
  const created = onDisk && !existsSync(path);
  if (onDisk) mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  if (created) chmodSync(path, 0o600);
  if (onDisk) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  db.pragma('synchronous = NORMAL'); // safe with WAL: a crash loses no committed transaction's integrity
  // Deleted rows are overwritten, not left in free pages: an erasure erases (DESIGN.md §6).
  db.pragma('secure_delete = ON');
  cacheStatements(db);
  return db;
}

/** True for SQLite's "database is locked/busy" errors, which callers answer with "busy, try again". */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * Repositories prepare their SQL where they use it; compiling the same text again on every call
 * costs more than running it. This keeps the most recent statements by their text (reusing a
 * statement is safe: repositories run synchronously and none iterates a statement lazily).
 */
function cacheStatements(db: Db, limit = 1000): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let stmt = statements.get(sql);
    if (stmt) {
      statements.delete(sql); // most recently used last
    } else {
      stmt = prepare(sql);
      if (statements.size >= limit) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, stmt);
    return stmt;
  }) as Db['prepare'];
}
