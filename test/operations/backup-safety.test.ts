/**
 * Backups hold everything the database holds (Slack bot tokens included): they are written 0600
 * into a directory created 0700, and a backup directory on the database's own volume is warned
 * about (a lost volume would take both).
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase, backupVolumeWarning } from '../../src/store/backup';
import { openDatabase } from '../../src/store/db';
import { migrate } from '../../src/store/migrate';

describe('safer backups', () => {
  it('creates the backup directory 0700 and writes each backup 0600, whatever the umask', async () => {
    const root = mkdtempSync(join(tmpdir(), 'touchpoint-backup-'));
    const db = openDatabase(join(root, 'touchpoint.db'));
    migrate(db);
    const old = process.umask(0o022);
    try {
      const dir = join(root, 'nested', 'backups');
      const r = await backupDatabase(db, dir, 3, new Date('2026-11-23T13:00:00Z'));
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(r.path).mode & 0o777).toBe(0o600);
      // The backup is a whole database.
      const copy = openDatabase(r.path);
      expect((copy.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBeGreaterThan(20);
      copy.close();
    } finally {
      process.umask(old);
      db.close();
    }
  });

  it('warns when the backup directory is on the database’s filesystem, and not when it is elsewhere', () => {
    const root = mkdtempSync(join(tmpdir(), 'touchpoint-backup-'));
    const database = join(root, 'touchpoint.db');
    const warning = backupVolumeWarning(database, join(root, 'backups-not-yet-made'));
    expect(warning).toBe(
      `BACKUP_DIR ${join(root, 'backups-not-yet-made')} is on the same filesystem as the database ${database}: a lost or full volume takes the backups with it. Put BACKUP_DIR on another volume.`,
    );
    const devices: Record<string, number> = { [root]: 1, '/mnt/backups': 2 };
    expect(backupVolumeWarning(database, '/mnt/backups', (p) => devices[p])).toBeNull();
    expect(backupVolumeWarning(':memory:', join(root, 'b'))).toBeNull();
  });
});
