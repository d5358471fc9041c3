/**
 * Reminder fan-out: N partnerships whose agenda prompts fall due in the same minute (2 DMs each:
 * principal and coach; a coach serving several schools gets one per school, in the same minute), delivered by the real Scheduler → Dispatcher → SlackNotifier (wired by
 * startSlack, exactly as in production) on the wall clock, against a fake Slack Web API in its own
 * process on 127.0.0.1 that enforces a rate limit on chat.postMessage:
 *   - per channel: 1 post per second (burst 1) — Slack's documented "1 message per second per channel";
 *   - per workspace: GLOBAL posts per second (default 500, burst one second's worth) — a stand-in
 *     for Slack's workspace-wide limit;
 * and answers 429 with Retry-After (whole seconds until a token, at least 1) above it.
 * conversations.open is not limited (the notifier opens each DM once and caches the channel).
 *
 * The database is seeded through the repositories (one transaction), materialised and planned as the
 * ticks before would have (the same planners), and the ticks run as in production: one at once,
 * then node-cron every minute. Reports the time to drain against the floor
 * max(N ÷ GLOBAL, posts per busiest channel ÷ PER_CHANNEL), duplicates (chat.postMessage per
 * channel+text beyond the first; must be 0) and losses (reminders never posted; must be 0).
 *
 *   npm run bench:fanout -- [--partnerships 10000] [--per-coach 5] [--global 500] [--per-channel 1]
 *                           [--concurrency N] [--max-seconds 120]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCore } from '../src/compose';
import { systemClock, type Logger } from '../src/core/ports';
import { HttpServer } from '../src/http/server';
import { startCron } from '../src/scheduler/cron';
import { startSlack } from '../adapters/slack';
import { nodeWakeTimers } from '../src/scheduler/dispatch';
import { FakeApiProcess } from './support/fake-api';
import { arg, machine, table } from './support/machine';
import { seedPromptBurst } from './support/seed';
import { sleep } from './support/processes';

const PARTNERSHIPS = arg('partnerships', 10_000);
const PER_COACH = arg('per-coach', 5);
const GLOBAL = arg('global', 500);
const PER_CHANNEL = arg('per-channel', 1);
const CONCURRENCY = process.argv.includes('--concurrency') ? arg('concurrency', 8) : undefined;
const MAX_SECONDS = arg('max-seconds', 120);

/** Counts what the service logs (it would log one warning per failed send). */
function countingLogger(): Logger & { counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const count =
    (level: string) =>
    (_obj: object, msg?: string): void => {
      const k = `${level}: ${msg ?? ''}`;
      counts[k] = (counts[k] ?? 0) + 1;
    };
  return { counts, info: count('info'), warn: count('warn'), error: count('error'), debug: () => undefined };
}

async function main(): Promise<void> {
  console.log('bench:fanout — reminder fan-out through the real SlackNotifier against a rate-limited fake Web API');
  console.log(machine());
  const N = PARTNERSHIPS * 2;
  console.log(
    `partnerships ${PARTNERSHIPS} (coach serves ${PER_COACH}), reminders ${N}, limit ${GLOBAL}/s per workspace and ${PER_CHANNEL}/s per channel, dispatcher concurrency ${CONCURRENCY ?? 'default'}`,
  );

  const fake = await FakeApiProcess.start();
  await fake.configure({ rateLimit: { globalPerSecond: GLOBAL, perChannelPerSecond: PER_CHANNEL }, postKey: 'channel+text' });
  const dir = mkdtempSync(join(tmpdir(), 'touchpoint-bench-fanout-'));
  const databasePath = join(dir, 'fanout.db');

  const burst = seedPromptBurst(databasePath, { partnerships: PARTNERSHIPS, perCoach: PER_COACH });
  const moved = burst.prompts;
  console.log(
    `seeded in ${(burst.seedMs / 1000).toFixed(1)} s; materialised and planned ${burst.occurrencesPlanned} occurrences in ${(burst.planMs / 1000).toFixed(1)} s; outbox rows ${burst.totalRows}, prompts due now ${moved}`,
  );
  if (moved !== N) throw new Error(`expected ${N} prompts due now, found ${moved}`);

  // The service: core on the file, Slack wired as in production, ticks as in production.
  const logger = countingLogger();
  const core = buildCore({ databasePath, clock: systemClock, logger, dispatchConcurrency: CONCURRENCY, dispatchWakeTimers: nodeWakeTimers });
  const http = new HttpServer();
  const slack = await startSlack({ config: { botToken: 'xoxb-bench', signingSecret: 'bench-secret', apiUrl: fake.apiUrl }, core, http, logger });
  await fake.reset();

  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const ticks: { at: number; took: number; joined: boolean; sent: number; retried: number; dead: number; expired: number }[] = [];
  let last: Promise<unknown> | undefined;
  const tick = async (): Promise<void> => {
    const at = (performance.now() - start) / 1000;
    const running = core.scheduler.tick();
    // A tick while one runs returns the running one (ticks never overlap): report it as joined.
    const joined = running === last;
    last = running;
    const r = await running;
    ticks.push({ at, took: (performance.now() - start) / 1000 - at, joined, sent: r.sent, retried: r.retried, dead: r.dead, expired: r.expired });
  };
  const first = tick();
  const cron = startCron(tick, logger);

  const timeline: { s: number; posts: number; limited: number }[] = [];
  let firstPostAt: number | undefined;
  let drainedAt: number | undefined;
  let stats = await fake.stats();
  while ((performance.now() - start) / 1000 < MAX_SECONDS) {
    await sleep(250);
    stats = await fake.stats();
    const s = (performance.now() - start) / 1000;
    if (firstPostAt === undefined && stats.posts > 0) firstPostAt = s;
    if (timeline.length === 0 || s - timeline[timeline.length - 1].s >= 1) timeline.push({ s, posts: stats.posts, limited: stats.rateLimited });
    if (stats.distinct >= N) {
      drainedAt = s;
      break;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  cron.stop();
  core.scheduler.stop();
  core.dispatcher.stop();
  await first;
  await core.scheduler.idle();
  await core.dispatcher.idle();
  await slack.stop();
  stats = await fake.stats();
  const perChannel = await fake.perChannel();
  const rows = Object.fromEntries(
    (
      core.db
        .prepare(`SELECT status, COUNT(*) AS n FROM outbox WHERE kind = 'agenda.prompt' AND due_at >= ? GROUP BY status`)
        .all(burst.dueFrom.toISOString()) as { status: string; n: number }[]
    ).map((r) => [r.status, r.n]),
  );
  core.close();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });

  const busiest = Math.max(...Object.values(perChannel), PER_COACH);
  const floor = Math.max(N / GLOBAL, (busiest - 1) / PER_CHANNEL);
  const losses = N - stats.distinct;
  console.log('');
  console.log('timeline (seconds since the first tick; cumulative accepted posts and 429s):');
  console.log(
    table(
      ['t (s)', 'posts', 'posts/s', '429s'],
      timeline
        .filter((_, i) => i % 5 === 0 || i === timeline.length - 1)
        .map((p, i, a) => {
          const prev = a[i - 1];
          return [p.s.toFixed(0), p.posts, prev ? ((p.posts - prev.posts) / (p.s - prev.s)).toFixed(0) : '-', p.limited];
        }),
    ),
  );
  console.log('');
  console.log('ticks:');
  console.log(
    table(
      ['started (s)', 'took (s)', 'sent', 'retried', 'dead', 'expired'],
      ticks.map((k) =>
        k.joined ? [k.at.toFixed(1), `joined the running tick`, '', '', '', ''] : [k.at.toFixed(1), k.took.toFixed(1), k.sent, k.retried, k.dead, k.expired],
      ),
    ),
  );
  console.log('');
  console.log(
    table(
      ['figure', 'value'],
      [
        ['reminders (N)', N],
        ['floor max(N/global, busiest channel/per-channel)', `${floor.toFixed(1)} s`],
        ['time to first post (planning in the first tick)', firstPostAt === undefined ? 'none' : `${firstPostAt.toFixed(1)} s`],
        ['time to drain', drainedAt === undefined ? `not drained in ${MAX_SECONDS} s (${stats.distinct} of ${N})` : `${drainedAt.toFixed(1)} s`],
        ['drain ÷ floor', drainedAt === undefined ? '-' : `${(drainedAt / floor).toFixed(2)}×`],
        ['effective rate', drainedAt === undefined ? '-' : `${(N / drainedAt).toFixed(0)} posts/s`],
        [
          'service CPU during the drain (user+sys)',
          `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s = ${((cpu.user + cpu.system) / 1000 / Math.max(1, stats.posts + stats.rateLimited)).toFixed(2)} ms per attempt; event loop ${(elu.utilization * 100).toFixed(0)}% busy`,
        ],
        ['chat.postMessage accepted', stats.posts],
        ['429 answered', stats.rateLimited],
        ['conversations.open', stats.calls['conversations.open'] ?? 0],
        ['duplicates', stats.duplicates],
        ['losses', drainedAt === undefined ? `${losses} not delivered when the run stopped (not drained)` : losses],
        ['rows by status (prompts due)', JSON.stringify(rows)],
      ],
    ),
  );
  console.log('');
  console.log('service log lines:', JSON.stringify(logger.counts));
  if (stats.duplicates > 0 || (drainedAt !== undefined && losses > 0)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
