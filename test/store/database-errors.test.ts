/**
 * A database the service cannot use is told in one line naming the file: damaged or not a
 * database, written by a newer Touchpoint, or in use by another process. Files are created
 * readable by their owner only (the database holds OAuth tokens).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseOpenError, openDatabase } from '../../src/store/db';
import { DEFAULT_MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from '../../src/store/migrate';
import { DatabaseInUseError, lockDatabase } from '../../src/store/lock';
import { describeDatabaseError, errorLogFields } from '../../src/core/known-errors';
import { tempDbPath } from '../support/harness';
import { ROOT } from '../drills/support/service';

describe('opening a database that cannot be used', () => {
  it('a damaged file or one that is not a database: one line naming it, saying to restore a backup', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'touchpoint-corrupt-')), 'touchpoint.db');
    writeFileSync(path, 'this is not a database, it is a shopping list\n'.repeat(200));
    expect(() => openDatabase(path)).toThrow(DatabaseOpenError);
    expect(() => openDatabase(path)).toThrow(`${path} is damaged or is not a Touchpoint database (SQLITE_NOTADB); restore the latest backup`);
  });

  it('a database written by a newer Touchpoint says so, instead of "a migration file is missing"', () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    migrate(db);
    const newest = readMigrations(DEFAULT_MIGRATIONS_DIR).at(-1)!.name.slice(0, 4);
    const future = String(Number(newest) + 7).padStart(4, '0');
    db.prepare('INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)').run(
      `${future}_from_the_future.sql`,
      'x',
      new Date().toISOString(),
    );
    expect(() => migrate(db)).toThrow(MigrationError);
    expect(() => migrate(db)).toThrow(
      `${path} was written by a newer Touchpoint (migration ${future} is not known to this version); upgrade Touchpoint or restore a backup`,
    );
    db.close();
  });

  it('the service refuses to start on a damaged file with that one line and no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'touchpoint-corrupt-'));
    const path = join(dir, 'touchpoint.db');
    writeFileSync(path, Buffer.alloc(8192, 7));
    const run = spawnSync(process.execPath, ['--import', join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'), join(ROOT, 'src', 'main.ts'), '--no-demo'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', DATABASE_PATH: path, PORT: '0', BACKUP_CRON: 'off' },
      input: '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`touchpoint: cannot start: ${path} is damaged or is not a Touchpoint database (SQLITE_NOTADB); restore the latest backup`);
  });

  it('a new database and its directory are readable by their owner only', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'touchpoint-modes-')), 'data');
    const db = openDatabase(join(dir, 'touchpoint.db'));
    migrate(db);
    expect((statSync(join(dir, 'touchpoint.db')).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(join(dir, 'touchpoint.db-wal')).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    db.close();
  });
});

describe('errors while running', () => {
  it('a full disk, a read-only file: one line naming the file, no stack', () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    expect(errorLogFields(full, '/data/touchpoint.db')).toEqual({
      err: '/data/touchpoint.db: the disk is full (SQLITE_FULL); free space on its volume — nothing is lost, pending work resumes once writes succeed',
      code: 'SQLITE_FULL',
    });
    const readOnly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY_DBMOVED' });
    expect(describeDatabaseError(readOnly, '/data/touchpoint.db')).toMatch(/^\/data\/touchpoint\.db is read-only \(SQLITE_READONLY_DBMOVED\)/);
    // Anything else is a bug and keeps its stack.
    const bug = new TypeError('x is undefined');
    expect(errorLogFields(bug, '/data/touchpoint.db').err).toContain('TypeError: x is undefined\n    at ');
  });
});

describe('one service per database', () => {
  it('a second lock on the same file is refused, naming the file and the holder; released, it can be taken', () => {
    const path = tempDbPath();
    const first = lockDatabase(path, { pid: 4242, host: 'school-server', now: new Date('2026-11-23T13:00:00Z') });
    let refused: unknown;
    try {
      lockDatabase(path);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DatabaseInUseError);
    expect((refused as Error).message).toBe(
      `${path} is in use by another Touchpoint (pid 4242 on school-server, since 2026-11-23T13:00:00.000Z); stop that one first — only one may run on a database`,
    );
    first.release();
    const second = lockDatabase(path);
    second.release();
  });

  it('a lock file that is not Touchpoint’s, or cannot be opened, is named — not the database, which is fine', () => {
    const path = tempDbPath();
    // A plain pid file another tool left, say: the database itself is sound and needs no restore.
    writeFileSync(`${path}.lock`, 'this lock file was written by a shell script, pid 1234\n'.repeat(40));
    const thrown = (): Error => {
      try {
        lockDatabase(path).release();
      } catch (err) {
        return err as Error;
      }
      throw new Error('the lock was taken');
    };
    const notOurs = thrown();
    expect(notOurs).toBeInstanceOf(DatabaseOpenError);
    expect(notOurs.message).toBe(
      `${path}.lock is not a Touchpoint lock file (SQLITE_NOTADB); if no other program uses it, delete it and start again — ${path} itself is not affected`,
    );
    rmSync(`${path}.lock`);
    mkdirSync(`${path}.lock`); // a directory in its place: it cannot be opened
    const cannotOpen = thrown();
    expect(cannotOpen).toBeInstanceOf(DatabaseOpenError);
    expect(cannotOpen.message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\.lock cannot be opened \\(SQLITE_CANTOPEN\\)`));
  });

  it('a holder killed with SIGKILL leaves no stale lock behind', () => {
    const path = tempDbPath();
    // A process that takes the lock and is killed while holding it.
    const script = `const { lockDatabase } = require(${JSON.stringify(join(ROOT, 'src', 'store', 'lock.ts'))}); lockDatabase(${JSON.stringify(path)}); process.kill(process.pid, 'SIGKILL');`;
    const run = spawnSync(process.execPath, ['--import', join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'), '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.signal).toBe('SIGKILL');
    const after = lockDatabase(path);
    after.release();
  });
});
