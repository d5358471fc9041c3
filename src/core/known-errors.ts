/**
 * Database conditions an operator fixes outside Touchpoint (a full disk, a read-only or damaged
 * file): told in one line naming the file and what to do, never as a stack trace. Anything else
 * is a bug and keeps its stack. Pure: SQLite's error codes are read structurally, so the core
 * needs no import of the store.
 */

export type KnownDatabaseCondition = 'full' | 'read-only' | 'corrupt' | 'cannot-open' | 'io';

/** The condition behind an error thrown by SQLite, if it is one an operator fixes. */
export function knownDatabaseCondition(err: unknown): { condition: KnownDatabaseCondition; code: string } | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  // Extended codes (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE, …) share their primary code's prefix.
  if (code === 'SQLITE_FULL') return { condition: 'full', code };
  if (code.startsWith('SQLITE_READONLY')) return { condition: 'read-only', code };
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return { condition: 'corrupt', code };
  if (code.startsWith('SQLITE_CANTOPEN')) return { condition: 'cannot-open', code };
  if (code.startsWith('SQLITE_IOERR')) return { condition: 'io', code };
  return undefined;
}

/** One line for the operator: the file, what is wrong with it, what to do. Undefined for other errors. */
export function describeDatabaseError(err: unknown, databasePath: string): string | undefined {
  const known = knownDatabaseCondition(err);
  if (!known) return undefined;
  const path = databasePath;
  switch (known.condition) {
    case 'full':
      return `${path}: the disk is full (${known.code}); free space on its volume — nothing is lost, pending work resumes once writes succeed`;
    case 'read-only':
      return `${path} is read-only (${known.code}); Touchpoint must write it: check the file's and its directory's owner and mode, and that the volume is mounted read-write`;
    case 'corrupt':
      return `${path} is damaged or is not a Touchpoint database (${known.code}); restore the latest backup`;
    case 'cannot-open':
      return `${path} cannot be opened (${known.code}); check that its directory exists and Touchpoint may write there`;
    case 'io':
      return `${path}: the disk reported an I/O error (${known.code}); check the volume`;
  }
}

/**
 * The `err` field of a log line: a known database condition as its one line (no stack: nothing
 * in the code is wrong), anything else with its stack.
 */
export function errorLogFields(err: unknown, databasePath?: string): { err: string; code?: string } {
  const known = knownDatabaseCondition(err);
  if (known && databasePath) return { err: describeDatabaseError(err, databasePath)!, code: known.code };
  if (known) return { err: (err as Error).message, code: known.code };
  return { err: (err as Error)?.stack ?? String(err) };
}
