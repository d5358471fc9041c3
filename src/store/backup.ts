/**
 * Online backups with SQLite's backup API (consistent while the service keeps writing), into a
 * directory of timestamped files, keeping the newest N.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
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
  mkdirSync(dir, { recursive: true });
  const path = join(dir, backupFileName(now));
  const result = await db.backup(path);
  const removed = listBackups(dir).slice(Math.max(1, keep));
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return { path, pages: result.totalPages, removed };
}
