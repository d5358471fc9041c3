/**
 * SIGKILL in the middle of a Slack fan-out. The real service runs as a child process in Slack HTTP
 * mode (SLACK_API_URL → a fake Web API in this test process) on a temporary database seeded with
 * N reminders due now. The fake holds every chat.postMessage response, so the test decides how far
 * the fan-out gets; after K posts it waits until the child is blocked on the held responses and
 * kills it with SIGKILL. Those held posts are "in flight": Slack received them but the service
 * never heard back, so it cannot know they were posted — at-least-once delivery may repeat them,
 * and nothing else.
 *
 * Then, on the same database:
 * 1. the real service is started again: it delivers every reminder nobody had claimed;
 * 2. the rows the killed process had claimed stay leased (OUTBOX_LEASE_SECONDS, 5 minutes by
 *    default) and are not sent by the restarted process until the lease lapses. Rather than wait
 *    out even the shortest lease (60 s) on the wall clock — the service has no --now in platform
 *    mode — the lapse is played by an in-test "process": buildCore on the same file with a
 *    SettableClock past the lease, and the real SlackNotifier against the same fake.
 *
 * Asserted: every reminder is posted (losses 0); the only repeats are posts that were in flight at
 * the kill (duplicates ≤ in-flight). No timing assertions; the waits are for a real child process.
 */
import { buildCore } from '../../src/compose';
import { SettableClock, silentLogger } from '../../src/core/ports';
import { SlackNotifier } from '../../adapters/slack/notifier';
import { slackLogger } from '../../adapters/slack/logger';
import { tempDbPath } from '../support/harness';
import { startFakeWebApi, type FakeWebApi } from './support/fake-web-api';
import { slackServiceEnv, spawnService, type ServiceProcess } from './support/service';

const N = 300;
const K = 100;
const USERS = 60;
const LEASE_MS = 5 * 60_000; // OUTBOX_LEASE_SECONDS is not set: the default lease

jest.setTimeout(180_000);

function seed(path: string, now: Date): void {
  const core = buildCore({ databasePath: path, clock: new SettableClock(now), deliverImmediately: false });
  core.services.transaction(() => {
    const tenant = core.services.people.ensureTenant('slack', 'T_FAKE', now);
    const users = Array.from({ length: USERS }, (_, i) => core.services.people.ensureUser(tenant.id, `U${String(i).padStart(5, '0')}`, now, `Person ${i}`));
    for (let i = 0; i < N; i++) {
      core.services.outbox.enqueue(
        {
          tenantId: tenant.id,
          recipientId: users[i % USERS].id,
          kind: 'drill.reminder',
          dedupeKey: `drill:${i}`,
          message: { text: `drill reminder ${i}`, blocks: [] },
          dueAt: new Date(now.getTime() - 60_000),
        },
        now,
      );
    }
  });
  core.close();
}

function statusCounts(path: string): Record<string, number> {
  const core = buildCore({ databasePath: path, clock: new SettableClock(new Date()), deliverImmediately: false });
  try {
    return core.services.outbox.countByStatus();
  } finally {
    core.close();
  }
}

/** Resolves once nothing new has reached the fake for `quietMs` (the child is blocked on held responses). */
async function quiescent(fake: FakeWebApi, quietMs: number): Promise<void> {
  const total = (): number => Object.values(fake.stats().calls).reduce((a, b) => a + b, 0);
  let last = -1;
  for (;;) {
    const now = total();
    if (now === last && fake.heldCount > 0) return;
    last = now;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

describe('SIGKILL during a Slack fan-out', () => {
  let fake: FakeWebApi;
  const children: ServiceProcess[] = [];

  beforeEach(async () => {
    fake = await startFakeWebApi();
    fake.postKey = (b) => b.text ?? '';
  });

  afterEach(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await fake.stop();
  });

  it('delivers every reminder after a restart, repeating at most the sends in flight at the kill', async () => {
    const path = tempDbPath();
    seed(path, new Date());
    const env = slackServiceEnv({ databasePath: path, apiUrl: fake.apiUrl, logLevel: 'warn' });

    // 1. The first process: responses held, released one at a time until K posts have arrived.
    fake.holdPosts = true;
    const first = spawnService({ env });
    children.push(first);
    first.exited.then(
      (e) => {
        if (e.signal !== 'SIGKILL') process.stderr.write(`first child exited early (${JSON.stringify(e)}):\n${first.output()}\n`);
      },
      () => undefined,
    );
    await fake.waitUntil(() => fake.postCount >= 1);
    while (fake.postCount < K) {
      const before = fake.postCount;
      fake.releaseHeld(1);
      await fake.waitUntil(() => fake.postCount > before);
    }
    await quiescent(fake, 300);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 200)); // let the fake read whatever the child had written
    // Counted after the exit: a post still on its way when the signal landed is in flight too.
    const inFlight = fake.heldCount;
    const inFlightKeys = new Set(fake.heldKeys);
    const postedBeforeKill = fake.postCount;
    fake.holdPosts = false;
    fake.releaseHeld(); // the killed process's sockets are gone; nobody hears these

    const afterKill = statusCounts(path);
    // Claimed by the dead process (in flight, or claimed in its batch and never attempted): leased.
    const leased = afterKill.sending;
    const unclaimed = afterKill.pending;

    // 2. The real service again, on the same database: everything nobody claimed is delivered.
    const second = spawnService({ env });
    children.push(second);
    await fake.waitUntil(() => fake.postCount >= postedBeforeKill + unclaimed);
    second.child.kill('SIGTERM');
    const secondExit = await second.exited;
    expect(secondExit.code === 0 || secondExit.signal === 'SIGTERM').toBe(true);
    const afterRestart = statusCounts(path);
    expect(afterRestart.pending).toBe(0);
    expect(afterRestart.sending).toBe(leased); // not touched before the lease lapses

    // 3. The lease lapses: an in-test process on the same file, its clock past the lease, the real SlackNotifier.
    const later = new SettableClock(new Date(Date.now() + LEASE_MS + 60_000));
    const notifier = new SlackNotifier({ tokenFor: () => 'xoxb-drill-token', apiUrl: fake.apiUrl, clientOptions: { logger: slackLogger(silentLogger) } });
    const core = buildCore({ databasePath: path, clock: later, notifiers: [notifier], deliverImmediately: false });
    const report = await core.dispatcher.dispatchDue();
    const final = core.services.outbox.countByStatus();
    core.close();

    const stats = fake.stats();
    const texts = Array.from({ length: N }, (_, i) => `drill reminder ${i}`);
    const lost = texts.filter((t) => !fake.posts.has(t));
    const repeated = [...fake.posts].filter(([, n]) => n > 1).map(([t]) => t);
    console.log(
      `slack-sigkill: N=${N}, killed after ${postedBeforeKill} posts with ${inFlight} in flight; ` +
        `leased by the dead process: ${leased} (of which never attempted: ${leased - inFlight}), unclaimed: ${unclaimed}; ` +
        `restart sent ${afterKill.pending}, lease lapse sent ${report.sent}; posts ${stats.posts}, distinct ${stats.distinct}, ` +
        `duplicates ${stats.duplicates}, losses ${lost.length}`,
    );

    expect(inFlight).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(final).toMatchObject({ sent: N, pending: 0, sending: 0, dead: 0 });
    expect(stats.duplicates).toBeLessThanOrEqual(inFlight);
    for (const t of repeated) expect(inFlightKeys.has(t)).toBe(true);
    for (const t of repeated) expect(fake.posts.get(t)).toBe(2);
  });
});
