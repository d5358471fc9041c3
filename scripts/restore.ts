/**
 * `npm run restore -- <backup-file> [--force]`: puts a backup in place of the configured database
 * (DATABASE_PATH), with the service stopped. The backup is checked first (PRAGMA integrity_check),
 * copied in atomically (a synced copy renamed over the database), and the restore is recorded in
 * it, so the next start expires the messages that were due before the restore instead of sending
 * them again (they may have gone out after the backup was taken), then applies the erasure ledger
 * again. The replaced database is kept as `<database>.before-restore-<timestamp>`.
 *
 * While the service runs it holds a lock on `<database>.lock` (naming its pid and host): the
 * restore refuses then, and holds that lock itself while it restores, so a service started
 * meanwhile is refused. `--force` restores anyway — only when that holder is not Touchpoint.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ConfigError, loadConfig, loadDotEnv } from '../src/config';
import { backupProblem, restoreBackup, serviceHolder } from '../src/store/restore';
import { DatabaseInUseError, NotALockFileError, lockDatabase, type DatabaseLock } from '../src/store/lock';

export const USAGE = [
  'usage: npm run restore -- <backup-file> [--force]',
  'Stop Touchpoint first. Replaces DATABASE_PATH with the backup (the replaced file is kept beside it);',
  'the next start does not send again what was due before the restore. --force ignores a lock file whose process is not Touchpoint.',
].join('\n');

export interface RestoreCliDeps {
  env: Record<string, string | undefined>;
  now: () => Date;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether a process is alive (tests pass their own); a signal-0 probe by default. */
  isAlive?: (pid: number) => boolean;
}

class UsageProblem extends Error {}

/**
 * Takes the service's own lock for the length of the restore, so a service started meanwhile is
 * refused instead of opening the database about to be replaced (it would go on writing to the file
 * moved aside). Null when the lock file is a plain pid file, which `serviceHolder` already judged.
 */
function holdServiceLock(databasePath: string): DatabaseLock | null {
  try {
    return lockDatabase(databasePath);
  } catch (err) {
    if (err instanceof DatabaseInUseError)
      throw new Error(`${err.message}; it started while the restore was checking the backup — run the restore again once it is stopped`);
    if (err instanceof NotALockFileError) return null;
    throw err;
  }
}

/** Runs the command line; returns the exit code (0 restored, 1 refused or failed, 2 wrong usage). */
export function runRestoreCli(argv: string[], deps: RestoreCliDeps): number {
  try {
    const force = argv.includes('--force');
    const files = argv.filter((a) => a !== '--force');
    const unknown = files.find((a) => a.startsWith('--'));
    if (unknown) throw new UsageProblem(`unknown option "${unknown}"`);
    if (files.length === 0) throw new UsageProblem('which backup file?');
    if (files.length > 1) throw new UsageProblem(`one backup file at a time (got "${files[1]}" too)`);
    const backup = files[0];

    const config = loadConfig(deps.env);
    const databasePath = config.databasePath;
    if (databasePath === ':memory:') throw new ConfigError('DATABASE_PATH: an in-memory database cannot be restored into');
    if (!existsSync(backup)) throw new Error(`there is no backup file at ${backup}`);
    if (resolve(backup) === resolve(databasePath)) throw new Error(`${backup} is the database itself: name a backup file`);
    const holder = serviceHolder(databasePath, deps.isAlive);
    if (holder !== null && !force) {
      throw new Error(
        `Touchpoint is running on ${databasePath} (${holder} holds ${databasePath}.lock): stop it first, or pass --force if that process is not Touchpoint`,
      );
    }
    const problem = backupProblem(backup);
    if (problem) throw new Error(`${backup} is not a sound Touchpoint database (${problem}): choose another backup`);

    // With --force over a holder that is not Touchpoint, there is no service lock to take.
    const lock = holder === null ? holdServiceLock(databasePath) : null;
    let result: ReturnType<typeof restoreBackup>;
    try {
      result = restoreBackup(backup, databasePath, deps.now());
    } finally {
      lock?.release();
    }
    const newest = result.newestActivity ? result.newestActivity.toISOString() : 'none recorded';
    deps.stdout(
      [
        `Restored ${databasePath} from ${basename(backup)} (the backup's newest activity: ${newest}).`,
        result.keptAs ? `The replaced database is kept as ${result.keptAs}.` : 'There was no database to replace.',
        `On the next start, ${result.toExpire} ${result.toExpire === 1 ? 'message that was' : 'messages that were'} due before now will not be sent: they may have gone out after the backup was taken.`,
        'Start Touchpoint again: it also applies again every erasure recorded in the erasure ledger since the backup.',
      ].join('\n') + '\n',
    );
    return 0;
  } catch (err) {
    if (err instanceof UsageProblem) {
      deps.stderr(`touchpoint restore: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    deps.stderr(`touchpoint restore: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  try {
    loadDotEnv();
  } catch (err) {
    process.stderr.write(`touchpoint restore: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.exitCode = runRestoreCli(process.argv.slice(2), {
    env: process.env,
    now: () => new Date(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
