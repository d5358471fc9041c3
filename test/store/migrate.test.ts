import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/store/db';
import { DEFAULT_MIGRATIONS_DIR, MigrationError, migrate, migrationsUpToDate } from '../../src/store/migrate';
import { tempDbPath } from '../support/harness';

const dirs: string[] = [];
const dbs: Db[] = [];

/** A temp directory holding the given migration files. */
function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'touchpoint-migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

function memoryDb(): Db {
  const db = openDatabase(':memory:');
  dbs.push(db);
  return db;
}

function tables(db: Db): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
}

function recorded(db: Db): { name: string; checksum: string; applied_at: string }[] {
  return db.prepare('SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name').all() as { name: string; checksum: string; applied_at: string }[];
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

const INIT = 'CREATE TABLE widgets (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n';
const SECOND = "CREATE TABLE gadgets (id INTEGER PRIMARY KEY, widget_id INTEGER REFERENCES widgets(id));\nINSERT INTO widgets (name) VALUES ('first');\n";

afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('migrate on a fresh database', () => {
  it('applies every file in order, creating the tables and recording each with its checksum', () => {
    const dir = migrationsDir({ '0001_init.sql': INIT, '0002_gadgets.sql': SECOND, 'README.md': 'not a migration' });
    const db = memoryDb();
    const now = new Date('2026-11-23T13:00:00Z');

    const report = migrate(db, dir, now);

    expect(report).toEqual({ applied: ['0001_init.sql', '0002_gadgets.sql'], alreadyApplied: [] });
    expect(tables(db)).toEqual(expect.arrayContaining(['widgets', 'gadgets', 'schema_migrations']));
    expect(recorded(db)).toEqual([
      { name: '0001_init.sql', checksum: sha256(INIT), applied_at: '2026-11-23T13:00:00.000Z' },
      { name: '0002_gadgets.sql', checksum: sha256(SECOND), applied_at: '2026-11-23T13:00:00.000Z' },
    ]);
    // 0002 ran after 0001: its insert into widgets succeeded.
    expect(db.prepare('SELECT name FROM widgets').all()).toEqual([{ name: 'first' }]);
    expect(migrationsUpToDate(db, dir)).toBe(true);
  });

  it('running again is a no-op: everything is already applied and nothing runs twice', () => {
    const dir = migrationsDir({ '0001_init.sql': INIT, '0002_gadgets.sql': SECOND });
    const db = memoryDb();
    migrate(db, dir, new Date('2026-11-23T13:00:00Z'));

    const again = migrate(db, dir, new Date('2026-11-24T13:00:00Z'));

    expect(again).toEqual({ applied: [], alreadyApplied: ['0001_init.sql', '0002_gadgets.sql'] });
    // The insert in 0002 would have added a second row had it run again.
    expect(db.prepare('SELECT COUNT(*) AS n FROM widgets').get()).toEqual({ n: 1 });
    expect(recorded(db).map((r) => r.applied_at)).toEqual(['2026-11-23T13:00:00.000Z', '2026-11-23T13:00:00.000Z']);
  });

  it('applies only a newly added file on the next run', () => {
    const dir = migrationsDir({ '0001_init.sql': INIT });
    const db = memoryDb();
    migrate(db, dir);
    expect(migrationsUpToDate(db, dir)).toBe(true);
    writeFileSync(join(dir, '0002_gadgets.sql'), SECOND);
    expect(migrationsUpToDate(db, dir)).toBe(false);

    expect(migrate(db, dir)).toEqual({ applied: ['0002_gadgets.sql'], alreadyApplied: ['0001_init.sql'] });
    expect(tables(db)).toContain('gadgets');
  });
});

describe('migrate refuses a history it cannot trust', () => {
  it('a changed, already-applied file is a MigrationError naming the file and saying it changed', () => {
    const dir = migrationsDir({ '0001_init.sql': INIT, '0002_gadgets.sql': SECOND });
    const db = memoryDb();
    migrate(db, dir);
    writeFileSync(join(dir, '0001_init.sql'), `${INIT}-- an innocent-looking comment\n`);
    writeFileSync(join(dir, '0003_more.sql'), 'CREATE TABLE more_things (id INTEGER PRIMARY KEY);');

    let caught: unknown;
    try {
      migrate(db, dir);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MigrationError);
    expect((caught as Error).message).toContain('0001_init.sql');
    expect((caught as Error).message).toMatch(/changed/);
    // Nothing after the check ran: the new file was not applied.
    expect(tables(db)).not.toContain('more_things');
    expect(recorded(db).map((r) => r.name)).toEqual(['0001_init.sql', '0002_gadgets.sql']);
  });

  it('an applied file that is missing from the directory is an error naming it', () => {
    const dir = migrationsDir({ '0001_init.sql': INIT, '0002_gadgets.sql': SECOND });
    const db = memoryDb();
    migrate(db, dir);
    // An earlier file gone (one past the newest file means a newer version: see database-errors.test.ts).
    rmSync(join(dir, '0001_init.sql'));
    expect(() => migrate(db, dir)).toThrow(MigrationError);
    expect(() => migrate(db, dir)).toThrow(/0001_init\.sql was applied but its file is missing/);
  });

  it('a failing migration rolls back completely and is not recorded; earlier ones stay applied', () => {
    const dir = migrationsDir({
      '0001_init.sql': INIT,
      '0002_broken.sql': "CREATE TABLE half_made (id INTEGER PRIMARY KEY);\nINSERT INTO widgets (name) VALUES ('x');\nINSERT INTO no_such_table VALUES (1);\n",
    });
    const db = memoryDb();

    expect(() => migrate(db, dir)).toThrow(MigrationError);
    let message = '';
    try {
      migrate(db, dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('0002_broken.sql');
    expect(message).toContain('no_such_table');

    expect(tables(db)).not.toContain('half_made');
    expect(db.prepare('SELECT COUNT(*) AS n FROM widgets').get()).toEqual({ n: 0 });
    expect(recorded(db).map((r) => r.name)).toEqual(['0001_init.sql']);
    expect(migrationsUpToDate(db, dir)).toBe(false);

    // Once fixed, the next run applies it.
    writeFileSync(join(dir, '0002_broken.sql'), 'CREATE TABLE half_made (id INTEGER PRIMARY KEY);\n');
    expect(migrate(db, dir)).toEqual({ applied: ['0002_broken.sql'], alreadyApplied: ['0001_init.sql'] });
  });

  it.each([['1_init.sql'], ['0001-init.sql'], ['0001_Init.sql'], ['001_init.sql'], ['0001_.sql'], ['init.sql']])(
    'refuses the badly named file %s before applying anything',
    (bad) => {
      const dir = migrationsDir({ '0001_good.sql': INIT, [bad]: 'CREATE TABLE from_bad (id INTEGER);' });
      const db = memoryDb();
      let caught: unknown;
      try {
        migrate(db, dir);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(MigrationError);
      expect((caught as Error).message).toContain(bad);
      expect(tables(db)).not.toContain('widgets');
      expect(tables(db)).not.toContain('from_bad');
    },
  );

  it('refuses two files with the same number', () => {
    const dir = migrationsDir({ '0001_a.sql': INIT, '0001_b.sql': 'CREATE TABLE b (id INTEGER);' });
    const db = memoryDb();
    expect(() => migrate(db, dir)).toThrow(MigrationError);
    expect(() => migrate(db, dir)).toThrow(/0001_b\.sql.*used twice/);
    expect(tables(db)).not.toContain('widgets');
  });
});

describe('the real migrations/ directory', () => {
  const realFiles = readdirSync(DEFAULT_MIGRATIONS_DIR)
    .filter((n) => n.endsWith('.sql'))
    .sort();

  it('holds numbered files starting at 0001_init.sql', () => {
    expect(realFiles[0]).toBe('0001_init.sql');
    expect(realFiles.length).toBeGreaterThanOrEqual(2);
  });

  it('applies on :memory: with foreign keys on, and again as a no-op', () => {
    const db = memoryDb();
    expect(migrate(db)).toEqual({ applied: realFiles, alreadyApplied: [] });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining(['tenants', 'users', 'schools', 'memberships', 'partnerships', 'series', 'occurrences', 'closures', 'audit_log', 'outbox']),
    );
    expect(migrate(db)).toEqual({ applied: [], alreadyApplied: realFiles });
    // Foreign keys are enforced, not just declared.
    expect(() => db.prepare(`INSERT INTO users (tenant_id, external_id, display_name, created_at) VALUES (999, 'u', 'U', '2026-01-01')`).run()).toThrow(
      /FOREIGN KEY/,
    );
  });

  it('opens a temp file in WAL mode, and a second start on the same file applies nothing', () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    dbs.push(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(migrate(db).applied).toEqual(realFiles);
    db.close();

    const reopened = openDatabase(path);
    dbs.push(reopened);
    expect(reopened.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(migrate(reopened)).toEqual({ applied: [], alreadyApplied: realFiles });
    expect(migrationsUpToDate(reopened)).toBe(true);
  });
});
