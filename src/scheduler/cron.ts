/** The only file that imports node-cron: the minute tick (UTC, never overlapping) and the backup schedule. */
import cron from 'node-cron';
import type { Logger } from '../core/ports';

export interface Timer {
  stop(): void;
}

function schedule(expression: string, name: string, run: () => Promise<unknown>, logger: Logger): Timer {
  const task = cron.schedule(
    expression,
    async () => {
      try {
        await run();
      } catch (err) {
        logger.error({ err: (err as Error)?.message ?? String(err), job: name }, 'scheduled job failed');
      }
    },
    { timezone: 'UTC', noOverlap: true, name },
  );
  return { stop: () => void task.stop() };
}

/** Every minute; the caller also ticks once at start-up. */
export function startCron(tick: () => Promise<unknown>, logger: Logger): Timer {
  return schedule('* * * * *', 'touchpoint-tick', tick, logger);
}

/** The scheduled backup (`BACKUP_CRON`, UTC). */
export function startBackupCron(expression: string, backup: () => Promise<unknown>, logger: Logger): Timer {
  if (!cron.validate(expression)) throw new Error(`BACKUP_CRON: "${expression}" is not a valid cron expression`);
  return schedule(expression, 'touchpoint-backup', backup, logger);
}
