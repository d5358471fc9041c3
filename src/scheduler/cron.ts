/** The only file that imports node-cron: a tick every minute (UTC), never overlapping, plus one at start-up by the caller. */
import cron from 'node-cron';
import type { Logger } from '../core/ports';

export function startCron(tick: () => Promise<unknown>, logger: Logger): { stop(): void } {
  const task = cron.schedule('* * * * *', async () => {
    try {
      await tick();
    } catch (err) {
      logger.error({ err: (err as Error)?.message ?? String(err) }, 'scheduled tick failed');
    }
  }, { timezone: 'UTC', noOverlap: true, name: 'touchpoint-tick' });
  return { stop: () => void task.stop() };
}
