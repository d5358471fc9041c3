/**
 * Forward-only migrations: numbered `.sql` files applied in order, each in its own
 * transaction, recorded with a checksum. An applied file that changed stops start-up, because
 * a database that no longer matches its history cannot be trusted.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Db } from './db';
import { describeDatabaseError } from '../core/known-errors';

/** `migrations/` at the project root, from the sources (src/store) or the build (dist/src/store). */
export const DEFAULT_MIGRATIONS_DIR =
  [resolve(__dirname, '..', '..', 'migrations'), resolve(__dirname, '..', '..', '..', 'migrations')].find((dir) => existsSync(dir)) ??
  resolve(__dirname, '..', '..', 'migrations');

export class MigrationError extends Error {}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

export function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort();
  const seen = new Set<string>();
  return names.map((name) => {
    const m = MIGRATION_NAME.exec(name);
    if (!m) throw new MigrationError(`migration ${name}: name must look like 0003_add_things.sql`);
    if (seen.has(m[1])) throw new MigrationError(`migration ${name}: number ${m[1]} is used twice`);
    seen.add(m[1]);
    const sql = readFileSync(join(dir, name), 'utf8');
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

export function migrate(db: Db, dir: string = DEFAULT_MIGRATIONS_DIR, now: Date = new Date()): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const files = readMigrations(dir);
  const recorded = new Map(
    (db.prepare('SELECT name, checksum FROM schema_migrations').all() as { name: string; checksum: string }[]).map((r) => [r.name, r.checksum]),
  );
  // A migration numbered past every file this version has was applied by a newer Touchpoint.
  const newest = files.length > 0 ? files[files.length - 1].name.slice(0, 4) : '0000';
  const unknown = [...recorded.keys()].filter((name) => name.slice(0, 4) > newest).sort();
  if (unknown.length > 0) {
    throw new MigrationError(
      `${db.name} was written by a newer Touchpoint (migration ${unknown[0].slice(0, 4)} is not known to this version); upgrade Touchpoint or restore a backup`,
    );
  }
  for (const [name, checksum] of recorded) {
    const file = files.find((f) => f.name === name);
    if (!file) throw new MigrationError(`migration ${name} was applied but its file is missing from ${dir}`);
    if (file.checksum !== checksum) {
      throw new MigrationError(`migration ${name} has changed since it was applied; add a new migration instead of editing it`);
    }
  }
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  const record = db.prepare('INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)');
  for (const file of files) {
    if (recorded.has(file.name)) {
      report.alreadyApplied.push(file.name);
      continue;
    }
    const apply = db.transaction(() => {
      db.exec(file.sql);
      record.run(file.name, file.checksum, now.toISOString());
    });
    try {
      apply();
    } catch (err) {
      throw new MigrationError(`migration ${file.name} failed: ${(err as Error).message}`);
    }
    report.applied.push(file.name);
  }
  return report;
}

/** True when every migration file is recorded (readiness checks use it). */
export function migrationsUpToDate(db: Db, dir: string = DEFAULT_MIGRATIONS_DIR): boolean {
  const files = readMigrations(dir);
  const row = db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number };
  return row.n === files.length;
}

/**
 * Readiness facts about the database: reachable (a query answers), every migration applied, and
 * writable — a write that changes nothing (the header's user_version set to itself, committed), so
 * a read-only file or volume, or a full disk, is found before a reminder fails on it.
 */
export function databaseHealth(db: Db, dir: string = DEFAULT_MIGRATIONS_DIR): { reachable: boolean; migrated: boolean; writable: boolean; detail?: string } {
  if (!db.open) return { reachable: false, migrated: false, writable: false };
  let migrated: boolean;
  try {
    db.prepare('SELECT 1').get();
    migrated = migrationsUpToDate(db, dir);
  } catch (err) {
    return { reachable: false, migrated: false, writable: false, detail: describeDatabaseError(err, db.name) };
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    db.transaction(() => db.pragma(`user_version = ${Math.floor(version)}`)).immediate();
    return { reachable: true, migrated, writable: true };
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_BUSY') return { reachable: true, migrated, writable: true }; // another writer holds it: writable
    return {
      reachable: true,
      migrated,
      writable: false,
      detail: describeDatabaseError(err, db.name) ?? `${db.name} does not take writes: ${(err as Error).message}`,
    };
  }
}
