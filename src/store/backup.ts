/**
 * Online backups with SQLite's backup API (consistent while the service keeps writing), into a
 * directory of timestamped files, keeping the newest N. A backup holds everything the database
 * does, OAuth bot tokens included: the directory is created 0700 and each file written 0600.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Db } from './db';

const BACKUP_NAME = /^touchpoint-(\d{8}T\d{6}Z)\.db$/;

export function backupFileName(at: Date): string {
  return `touchpoint-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}.db`;
}

/** Existing backups in `dir`, newest first. */
export function listBackups(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => BACKUP_NAME.test(n))
    .sort()
    .reverse();
}

export interface BackupResult {
  path: string;
  pages: number;
  removed: string[];
}

/** Writes a backup of `db` into `dir`, then deletes all but the newest `keep`. */
export async function backupDatabase(db: Db, dir: string, keep: number, now: Date): Promise<BackupResult> {
  // Only a directory made here is set to 0700: an existing one (a mounted volume) keeps its owner's choice.
  const created = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) chmodSync(dir, 0o700);
  const path = join(dir, backupFileName(now));
  // Created 0600 before SQLite writes into it (an empty file is an empty database), so the copy is
  // never readable by others, not even for a moment; chmod too, in case the file was there already.
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  const result = await db.backup(path);
  const removed = listBackups(dir).slice(Math.max(1, keep));
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return { path, pages: result.totalPages, removed };
}

/** The device of `path`, or of its nearest existing parent (BACKUP_DIR may not exist yet). */
function deviceOf(path: string): number | undefined {
  let at = resolve(path);
  for (;;) {
    try {
      return statSync(at).dev;
    } catch {
      const up = dirname(at);
      if (up === at) return undefined;
      at = up;
    }
  }
}

/**
 * The line to log at start when BACKUP_DIR is on the database's filesystem (a lost or full volume
 * takes both); null when it is elsewhere or cannot be told. The configuration stays valid.
 */
export function backupVolumeWarning(databasePath: string, backupDir: string, device: (path: string) => number | undefined = deviceOf): string | null {
  if (databasePath === ':memory:') return null;
  const db = device(dirname(resolve(databasePath)));
  const backups = device(resolve(backupDir));
  if (db === undefined || backups === undefined || db !== backups) return null;
  return `BACKUP_DIR ${backupDir} is on the same filesystem as the database ${databasePath}: a lost or full volume takes the backups with it. Put BACKUP_DIR on another volume.`;
}
