/**
 * `npm run backup`: an online backup of the configured database into BACKUP_DIR, keeping the
 * newest BACKUP_KEEP. Safe while the service runs (SQLite's backup API copies a consistent state).
 * The file is written 0600 (it holds the bot tokens); a BACKUP_DIR on the database's own
 * filesystem is warned about.
 */
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, loadDotEnv } from '../src/config';
import { openDatabase } from '../src/store/db';
import { backupDatabase, backupVolumeWarning } from '../src/store/backup';

async function main(): Promise<void> {
  try {
    loadDotEnv();
    const config = loadConfig(process.env);
    if (config.databasePath === ':memory:' || !existsSync(config.databasePath)) {
      throw new ConfigError(`DATABASE_PATH: there is no database at ${config.databasePath} to back up`);
    }
    const db = openDatabase(config.databasePath);
    const result = await backupDatabase(db, config.operations.backupDir, config.operations.backupKeep, new Date());
    db.close();
    const sameVolume = backupVolumeWarning(config.databasePath, config.operations.backupDir);
    if (sameVolume) process.stderr.write(`touchpoint backup: warning: ${sameVolume}\n`);
    process.stdout.write(
      `Backed up ${config.databasePath} to ${result.path} (${result.pages} pages).${result.removed.length ? ` Removed ${result.removed.length} older backup(s).` : ''}\n`,
    );
  } catch (err) {
    process.stderr.write(`touchpoint backup: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
