/**
 * A Slack outage: the Web API answers HTTP 500, or accepts the connection and never answers.
 * The real core (SQLite file, SettableClock) and the real SlackNotifier send to a fake Web API on
 * 127.0.0.1; the test moves the clock from one due moment to the next (`outbox.nextDueAt`) and runs
 * the dispatcher there, as the minute tick would. The outbox backs off (30 s, doubling, at most an
 * hour), nothing is dead before 24 hours of failures, and when Slack is back every reminder is
 * delivered once.
 *
 * Timeouts: the SlackNotifier's WebClient gives up on a request after 10 s, so a request Slack
 * never answers fails and is retried by the outbox instead of holding a dispatch batch. The drill
 * gives its notifier a shorter timeout; a separate test checks the production wiring has one.
 */
import { buildCore, type Core } from '../../src/compose';
import { GIVE_UP_AFTER_MS, MAX_BACKOFF_MS } from '../../src/scheduler/dispatch';
import { HttpServer } from '../../src/http/server';
import { SlackNotifier } from '../../adapters/slack/notifier';
import { createSlack } from '../../adapters/slack';
import { slackLogger } from '../../adapters/slack/logger';
import { SettableClock, silentLogger } from '../../src/core/ports';
import { tempDbPath } from '../support/harness';
import { startFakeWebApi, type FakeWebApi, type Outage } from './support/fake-web-api';

const START = new Date('2026-11-24T13:00:00Z');
const HOUR = 3_600_000;
const ROWS = 6;
/** Wall-clock milliseconds the drill's notifier waits for an answer (the hang case). */
const DRILL_TIMEOUT_MS = 300;

interface Rig {
  fake: FakeWebApi;
  core: Core;
  clock: SettableClock;
}

async function rig(): Promise<Rig> {
  const fake = await startFakeWebApi();
  fake.postKey = (b) => b.text ?? '';
  const clock = new SettableClock(START);
  const notifier = new SlackNotifier({
    tokenFor: () => 'xoxb-drill',
    apiUrl: fake.apiUrl,
    clientOptions: { timeout: DRILL_TIMEOUT_MS, logger: slackLogger(silentLogger) },
  });
  const core = buildCore({ databasePath: tempDbPath(), clock, notifiers: [notifier], deliverImmediately: false, random: () => 0.5 });
  const tenant = core.services.people.ensureTenant('slack', 'T_FAKE', START);
  for (let i = 0; i < ROWS; i++) {
    const user = core.services.people.ensureUser(tenant.id, `U0OUT${i}`, START, `Person ${i}`);
    core.services.outbox.enqueue(
      {
        tenantId: tenant.id,
        recipientId: user.id,
        kind: 'drill.reminder',
        dedupeKey: `outage:${i}`,
        message: { text: `outage reminder ${i}`, blocks: [] },
        dueAt: START,
      },
      START,
    );
  }
  return { fake, core, clock };
}

interface Step {
  at: Date;
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Runs the dispatcher at every due moment while `outage` applies to the clock's time, then with
 * Slack back, until nothing is pending. Returns each step; checks after every step that no row is
 * dead unless its first failure is 24 hours old.
 */
async function run(r: Rig, outage: Outage, outageMs: number): Promise<Step[]> {
  const steps: Step[] = [];
  for (let guard = 0; guard < 500; guard++) {
    const now = r.clock.now();
    r.fake.outage = now.getTime() - START.getTime() < outageMs ? outage : 'none';
    if (r.fake.outage === 'none') r.fake.dropHanging();
    const report = await r.core.dispatcher.dispatchDue();
    steps.push({ at: now, sent: report.sent, retried: report.retried, dead: report.dead });
    const early = r.core.db
      .prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'dead' AND julianday(?) - julianday(first_failed_at) < 1.0`)
      .get(now.toISOString()) as { n: number };
    expect(early.n).toBe(0);
    const next = r.core.services.outbox.nextDueAt();
    if (!next) break;
    r.clock.set(next > now ? next : new Date(now.getTime() + 1000));
  }
  return steps;
}

function attemptGaps(steps: Step[]): number[] {
  const failing = steps.filter((s) => s.retried > 0);
  return failing.slice(1).map((s, i) => s.at.getTime() - failing[i].at.getTime());
}

describe('a Slack outage', () => {
  let r: Rig;
  afterEach(async () => {
    r.fake.dropHanging();
    await r.fake.stop();
    r.core.close();
  });

  it.each<[Outage, number]>([
    ['http500', 20 * HOUR],
    ['hang', 3 * HOUR],
  ])('with the Web API failing (%s) for a while: backs off, delivers each reminder once when it is back, nothing dead', async (outage, outageMs) => {
    r = await rig();
    const steps = await run(r, outage, outageMs);

    const gaps = attemptGaps(steps);
    // Exponential backoff: 30 s, 60 s, 120 s, … (jitter fixed at 1.0), never more than an hour.
    expect(gaps[0]).toBe(30_000);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(MAX_BACKOFF_MS);

    const outageEnd = START.getTime() + outageMs;
    const delivered = steps.find((s) => s.sent > 0)!;
    expect(delivered.at.getTime()).toBeGreaterThanOrEqual(outageEnd);
    expect(delivered.at.getTime()).toBeLessThanOrEqual(outageEnd + MAX_BACKOFF_MS);
    expect(r.core.services.outbox.countByStatus()).toMatchObject({ sent: ROWS, pending: 0, sending: 0, dead: 0 });
    const stats = r.fake.stats();
    expect(stats.distinct).toBe(ROWS);
    expect(stats.duplicates).toBe(0);
    if (outage === 'http500') expect(stats.failed).toBeGreaterThan(ROWS * 5);
    console.log(
      `slack-outage (${outage}, ${outageMs / HOUR} h): ${gaps.length + 1} failed attempts per row, gaps ${gaps.map((g) => `${g / 1000}s`).join(' ')}; delivered ${(delivered.at.getTime() - outageEnd) / 1000}s after Slack came back`,
    );
  });

  it('with the Web API failing for more than a day: rows die only after 24 hours of failures', async () => {
    r = await rig();
    const steps = await run(r, 'http500', 30 * HOUR);
    const died = steps.find((s) => s.dead > 0)!;
    expect(died.dead).toBe(ROWS);
    expect(died.at.getTime() - START.getTime()).toBeGreaterThanOrEqual(GIVE_UP_AFTER_MS);
    expect(died.at.getTime() - START.getTime()).toBeLessThanOrEqual(GIVE_UP_AFTER_MS + MAX_BACKOFF_MS);
    expect(r.core.services.outbox.countByStatus()).toMatchObject({ dead: ROWS, sent: 0, pending: 0 });
    expect(r.fake.stats().posts).toBe(0);
  });
});

describe('the production Slack notifier', () => {
  it('gives up on a request Slack never answers (its WebClients have a timeout)', async () => {
    const fake = await startFakeWebApi();
    const core = buildCore({ databasePath: ':memory:', clock: new SettableClock(START), deliverImmediately: false });
    try {
      const slack = createSlack({ config: { botToken: 'xoxb-drill', signingSecret: 'drill-secret', apiUrl: fake.apiUrl }, core, http: new HttpServer() });
      const timeoutOf = (client: unknown): number => (client as { timeout: number }).timeout;
      expect(timeoutOf(slack.notifier.clientFor('xoxb-drill'))).toBeGreaterThan(0);
      // The listeners' client too: a reply that opens a modal must not hang on a silent Slack.
      expect(timeoutOf(slack.app.client)).toBeGreaterThan(0);
      expect(timeoutOf(slack.app.client)).toBeLessThanOrEqual(5_000);
    } finally {
      core.close();
      await fake.stop();
    }
  });
});
