/**
 * Start-up time and memory of the real service, in platform mode with Slack over HTTP (credentials
 * set, SLACK_API_URL → a fake Web API in this process answering auth.test and the DMs), for each
 * way of running it:
 *   - `node --import tsx src/main.ts` (the service process `npm start` execs; npm's own process and
 *     the whole tree are measured by bench/process-tree.ts);
 *   - `node dist/src/main.js` (the build; run `npm run build` first — skipped when dist is missing).
 * For each: time from spawn to the `listening` log line and to GET /readyz = 200 on an empty
 * database; resident memory (VmRSS from /proc/<pid>/status) when idle; then, on a database with
 * FANOUT reminders due (the 08:00 agenda prompts of FANOUT/2 partnerships, see bench/support/seed.ts),
 * the time to ready (readiness waits for the first tick to plan, not to deliver), the time until the
 * fake has them all, and VmRSS / VmHWM (peak) after the fan-out.
 *
 *   npm run build && npm run bench:startup -- [--fanout 10000] [--idle-seconds 3]
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeWebApi, type FakeWebApi } from '../test/drills/support/fake-web-api';
import { slackServiceEnv, spawnService, type ServiceProcess } from '../test/drills/support/service';
import { arg, machine, table } from './support/machine';
import { childrenOf, memoryOf, ROOT, sleep } from './support/processes';
import { seedPromptBurst } from './support/seed';

const FANOUT = arg('fanout', 10_000);
const IDLE_SECONDS = arg('idle-seconds', 3);

type Entry = 'tsx' | 'dist';

interface Run {
  listeningMs: number;
  readyMs: number;
  service: ServiceProcess;
  pid: number;
}

async function start(entry: Entry, databasePath: string, fake: FakeWebApi): Promise<Run> {
  const t0 = performance.now();
  const service = spawnService({ entry, env: slackServiceEnv({ databasePath, apiUrl: fake.apiUrl, logLevel: 'info' }) });
  const port = await Promise.race([
    service.listening,
    service.exited.then((e) => {
      throw new Error(`${entry} exited (${JSON.stringify(e)}):\n${service.output()}`);
    }),
  ]);
  const listeningMs = performance.now() - t0;
  let said = 0;
  let last = '';
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      last = await res.text();
      if (res.status === 200) break;
    } catch (err) {
      last = String(err);
    }
    const waited = performance.now() - t0;
    if (waited > 150_000) {
      await stop({ listeningMs, readyMs: Number.NaN, service, pid: childrenOf(service.pid)[0] ?? service.pid });
      throw new Error(`${entry} not ready after 150 s (${last}; fake: ${JSON.stringify(fake.stats())}):\n${service.output()}`);
    }
    if (waited - said > 15_000) {
      said = waited;
      console.log(`  … ${entry} not ready after ${(waited / 1000).toFixed(0)} s: ${fake.stats().posts} posts so far`);
    }
    await sleep(20);
  }
  const readyMs = performance.now() - t0;
  const pid = service.pid;
  return { listeningMs, readyMs, service, pid };
}

async function stop(run: Run): Promise<void> {
  run.service.child.kill('SIGTERM');
  await Promise.race([run.service.exited, sleep(10_000)]);
  if (run.service.child.exitCode === null) run.service.child.kill('SIGKILL');
  // The tsx wrapper relays signals, but a SIGKILL to it would leave the service running.
  if (run.pid !== run.service.pid) {
    try {
      process.kill(run.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function main(): Promise<void> {
  console.log('bench:startup — start-up time and memory of the service (platform mode, Slack over HTTP)');
  console.log(machine());
  const entries: Entry[] = ['tsx'];
  const dist = join(ROOT, 'dist', 'src', 'main.js');
  if (existsSync(dist)) {
    entries.push('dist');
    console.log(`dist/src/main.js built ${statSync(dist).mtime.toISOString()} (run npm run build first to measure the current sources)`);
  } else console.log('dist/src/main.js missing: run `npm run build` to measure the build too; measuring tsx only');

  const fake = await startFakeWebApi();
  const dir = mkdtempSync(join(tmpdir(), 'touchpoint-bench-startup-'));
  const burstDb = join(dir, 'burst.db');
  const burst = seedPromptBurst(burstDb, { partnerships: Math.ceil(FANOUT / 2), perCoach: 5 });
  console.log(`fan-out database: ${burst.prompts} prompts due (seeded in ${((burst.seedMs + burst.planMs) / 1000).toFixed(1)} s)`);

  const rows: (string | number)[][] = [];
  for (const entry of entries) {
    // 1. Empty database: time to ready, idle memory.
    const empty = join(dir, `${entry}-empty.db`);
    const a = await start(entry, empty, fake);
    await sleep(IDLE_SECONDS * 1000);
    const idle = memoryOf(a.pid);
    await stop(a);

    // 2. FANOUT reminders due at start-up: delivered by the first tick, readiness after it.
    const db = join(dir, `${entry}-burst.db`);
    copyFileSync(burstDb, db);
    fake.reset();
    const t0 = performance.now();
    const b = await start(entry, db, fake);
    await fake.waitUntil(() => fake.stats().distinct >= burst.prompts);
    const deliveredMs = performance.now() - t0;
    const after = memoryOf(b.pid);
    const stats = fake.stats();
    await stop(b);
    rows.push([
      entry === 'tsx' ? 'node --import tsx src/main.ts' : 'node dist/src/main.js',
      a.listeningMs.toFixed(0),
      a.readyMs.toFixed(0),
      idle.rssMiB.toFixed(0),
      b.readyMs.toFixed(0),
      (deliveredMs / 1000).toFixed(1),
      after.rssMiB.toFixed(0),
      after.hwmMiB.toFixed(0),
      stats.duplicates,
    ]);
  }
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });

  console.log('');
  console.log(
    table(
      [
        'command',
        'listening ms',
        'ready ms',
        'idle RSS MiB',
        `ready ms (${FANOUT} due)`,
        `all ${FANOUT} posted s`,
        'RSS after MiB',
        'peak RSS MiB',
        'duplicates',
      ],
      rows,
    ),
  );
  console.log('');
  console.log('ready = GET /readyz answers 200 (database reachable, migrations applied, a scheduler tick has planned).');
  console.log('With reminders due, the first tick goes on to deliver them; readiness does not wait for that.');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
