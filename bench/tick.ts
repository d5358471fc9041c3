/**
 * Scheduler tick cost at scale: SCHOOLS schools (a partnership and an active weekly series each),
 * a year of occurrences (plus the materialised horizon) and OUTBOX rows of outbox history in a
 * file database, then TICKS ticks of the real Scheduler (all planners + dispatch) with a settable
 * clock moving a minute each, delivering through an in-process Notifier that answers at once (the
 * network is not what this measures). Before each tick a few upcoming meetings are skipped (as the
 * skip command does: status changed, planning reset), so the planner's cancel/drift path runs too.
 *
 * Prints median/p99/max tick time, the cost of each planning step on its own, then every distinct
 * SQL statement the tick ran (captured by wrapping db.prepare on one instrumented pass): how often
 * per tick, its total time, and its EXPLAIN QUERY PLAN, flagging full scans (SCAN without an index).
 *
 *   npm run bench:tick -- [--schools 10000] [--outbox 1000000] [--ticks 30] [--fresh]
 *
 * The seeded database is cached in the temp directory (keyed by the parameters and the migrations)
 * and copied for each run; --fresh seeds again.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCore, type Core } from '../src/compose';
import { SettableClock, type Delivery, type Notifier } from '../src/core/ports';
import { addDays, localToUtc, todayIn, type LocalDate } from '../src/core/datetime';
import { slotsBetween, type Slot } from '../src/features/booking/recurrence';
import { HORIZON_DAYS } from '../src/features/booking/service';

import { planReminders, PLAN_AHEAD_MS } from '../src/features/agenda/reminders';
import { materialiseAhead } from '../src/features/booking/materialise';
import { arg, machine, ms, percentile, seededRandom, table } from './support/machine';
import { ROOT } from './support/processes';
import { seedPartnerships, staleSeries, TIME_ZONE } from './support/seed';
import { schoolDaysBefore } from '../src/core/school-calendar';

const SCHOOLS = arg('schools', 10_000);
const OUTBOX = arg('outbox', 1_000_000);
const TICKS = arg('ticks', 30);
const FRESH = process.argv.includes('--fresh');
/** Tuesday 3 March 2026, 09:00 in New York: a school morning (fixed, so the seed can be cached). */
const NOW = new Date('2026-03-03T14:00:00Z');
const YEAR_AGO: LocalDate = '2025-03-03';
const SKIPS_PER_TICK = 3;

class InstantNotifier implements Notifier {
  readonly platform = 'slack' as const;
  sent = 0;
  failNext = 0;
  send(): Promise<Delivery> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.resolve({ status: 'retry', afterSeconds: 30, error: 'bench: scripted failure' });
    }
    this.sent += 1;
    return Promise.resolve({ status: 'delivered' });
  }
}

function seed(path: string): Record<string, number> {
  const clock = new SettableClock(NOW);
  const core = buildCore({ databasePath: path, clock, deliverImmediately: false });
  const rand = seededRandom(42);
  const t0 = performance.now();
  const { partnerships } = seedPartnerships(core, { partnerships: SCHOOLS, perCoach: 5, startDate: YEAR_AGO, now: new Date('2025-03-01T12:00:00Z') });
  const tStore = performance.now() - t0;

  // Occurrences: a year back and the materialiser's horizon ahead, the same slots the rule gives.
  const today = todayIn(NOW, TIME_ZONE);
  const series = core.db.prepare('SELECT id, weekday, local_time, duration_minutes, start_date FROM series ORDER BY id').all() as {
    id: number;
    weekday: number;
    local_time: string;
    duration_minutes: number;
    start_date: string;
  }[];
  const slotCache = new Map<string, Slot[]>();
  const slotsOf = (s: (typeof series)[number]): Slot[] => {
    const k = `${s.weekday} ${s.local_time}`;
    let slots = slotCache.get(k);
    if (!slots) {
      slots = slotsBetween(
        { cadence: 'weekly', weekday: s.weekday as 1, time: s.local_time, durationMinutes: s.duration_minutes, startDate: s.start_date, timeZone: TIME_ZONE },
        s.start_date,
        addDays(today, HORIZON_DAYS),
      );
      slotCache.set(k, slots);
    }
    return slots;
  };
  const promptCache = new Map<string, number>();
  const promptAt = (date: LocalDate): number => {
    let t = promptCache.get(date);
    if (t === undefined) {
      t = localToUtc(
        schoolDaysBefore(date, 2, () => false),
        '08:00',
        TIME_ZONE,
      ).getTime();
      promptCache.set(date, t);
    }
    return t;
  };
  const insOcc = core.db
    .prepare(`INSERT INTO occurrences (id, series_id, original_date, starts_at, ends_at, status, moved, reason, updated_at, planned_at, outcome_at, outcome_by)
    VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`);
  const insOut = core.db
    .prepare(`INSERT INTO outbox (tenant_id, recipient_id, kind, dedupe_key, payload, due_at, expires_at, status, attempts, next_attempt_at, lease_until, first_failed_at, last_error, sent_at, created_at, compose)
    VALUES (?, ?, ?, ?, '{"text":"","blocks":[]}', ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`);
  const tenantId = (core.db.prepare('SELECT id FROM tenants LIMIT 1').get() as { id: number }).id;
  // Steady state: everything the planner looks at (PLAN_AHEAD_MS) is planned and its reminders are queued.
  const planUntil = NOW.getTime() + PLAN_AHEAD_MS;
  const future = SCHOOLS * Math.ceil(PLAN_AHEAD_MS / (7 * 86_400_000)) * 6; // upcoming weeks × six reminders
  const historyWeeks = Math.max(0, Math.ceil((OUTBOX - future) / (SCHOOLS * 6)));
  const historyFrom = NOW.getTime() - historyWeeks * 7 * 86_400_000;
  let occId = 0;
  let outRows = 0;
  const iso = (t: number): string => new Date(t).toISOString();
  const t1 = performance.now();
  const batch = core.db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const s = series[i];
      const p = partnerships[i];
      for (const slot of slotsOf(s)) {
        occId += 1;
        const start = slot.startsAt.getTime();
        const past = start < NOW.getTime();
        const r = rand();
        const status = !past ? 'scheduled' : r < 0.8 ? 'held' : r < 0.88 ? 'missed' : r < 0.95 ? 'skipped' : 'closed';
        const planned = start < planUntil ? iso(start - PLAN_AHEAD_MS) : null;
        const outcome = status === 'held' || status === 'missed' ? iso(slot.endsAt.getTime() + 20 * 60_000) : null;
        insOcc.run(
          occId,
          s.id,
          slot.originalDate,
          slot.startsAt.toISOString(),
          slot.endsAt.toISOString(),
          status,
          status === 'closed' ? 'Holiday' : null,
          iso(Math.min(start, NOW.getTime())),
          planned,
          outcome,
          outcome ? p.principalId : null,
        );
        if (start < historyFrom || start >= planUntil || outRows >= OUTBOX) continue;
        const key = `s${s.id}:o${occId}:`;
        const compose = JSON.stringify({ occurrenceId: occId });
        const kinds: [string, string, number, number][] = [
          ['agenda.prompt', 'prompt', promptAt(slot.originalDate), start - 60 * 60_000],
          ['agenda.compiled', 'agenda', start - 60 * 60_000, start],
          ['meeting.outcome', 'outcome', slot.endsAt.getTime() + 15 * 60_000, slot.endsAt.getTime() + 15 * 60_000 + 3 * 86_400_000],
        ];
        for (const userId of [p.principalId, p.coachId]) {
          for (const [kind, word, due, expires] of kinds) {
            if (outRows >= OUTBOX) break;
            let st = 'pending';
            let sentAt: string | null = null;
            let attempts = 0;
            let failed: string | null = null;
            let error: string | null = null;
            if (status === 'skipped' || status === 'closed') st = 'cancelled';
            else if (due < NOW.getTime()) {
              const x = rand();
              if (x < 0.9) {
                st = 'sent';
                sentAt = iso(due + 2000);
                attempts = 1;
              } else if (x < 0.985) st = 'expired';
              else if (x < 0.995) st = 'cancelled';
              else {
                st = 'dead';
                attempts = 30;
                failed = iso(due);
                error = 'user_not_found';
              }
            }
            insOut.run(
              tenantId,
              userId,
              kind,
              `${key}${word}:u${userId}:${due}`,
              iso(due),
              iso(expires),
              st,
              attempts,
              iso(due),
              failed,
              error,
              sentAt,
              iso(due - PLAN_AHEAD_MS),
              compose,
            );
            outRows += 1;
          }
        }
      }
    }
  });
  for (let i = 0; i < series.length; i += 500) batch(i, Math.min(series.length, i + 500));
  const tRows = performance.now() - t1;
  // Materialised this morning, as the planner records it (the steady state between weekly catch-ups).
  core.db.prepare('UPDATE series SET materialised_through = ?').run(addDays(today, HORIZON_DAYS));
  core.db.pragma('wal_checkpoint(TRUNCATE)');
  core.close();
  return { storeSeedMs: tStore, rowsMs: tRows, occurrences: occId, outbox: outRows };
}

interface Captured {
  sql: string;
  args: unknown[];
  calls: number;
  ms: number;
}

/** Wraps db.prepare so every statement records its calls, time and first arguments. */
const wrapped = new WeakSet<object>();
let current: Map<string, Captured> | null = null;
const prepareCost = { calls: 0, ms: 0 };

function instrument(core: Core): { captured: Map<string, Captured>; restore(): void } {
  const captured = new Map<string, Captured>();
  current = captured;
  prepareCost.calls = 0;
  prepareCost.ms = 0;
  const db = core.db as unknown as { prepare: (sql: string) => Record<string, unknown> };
  const original = db.prepare;
  db.prepare = function (this: unknown, sql: string) {
    const t0 = performance.now();
    const stmt = original.call(core.db, sql) as Record<string, (...a: unknown[]) => unknown>;
    prepareCost.calls += 1;
    prepareCost.ms += performance.now() - t0;
    if (wrapped.has(stmt)) return stmt;
    wrapped.add(stmt);
    for (const m of ['run', 'get', 'all', 'iterate']) {
      const fn = stmt[m];
      stmt[m] = (...args: unknown[]) => {
        if (!current) return fn.apply(stmt, args);
        let c = current.get(sql);
        if (!c) {
          c = { sql, args, calls: 0, ms: 0 };
          current.set(sql, c);
        }
        const t = performance.now();
        try {
          return fn.apply(stmt, args);
        } finally {
          c.calls += 1;
          c.ms += performance.now() - t;
        }
      };
    }
    return stmt;
  };
  return {
    captured,
    restore: () => {
      db.prepare = original;
      current = null;
    },
  };
}

const BIG = [
  'outbox',
  'occurrences',
  'series',
  'schools',
  'partnerships',
  'users',
  'memberships',
  'agenda_items',
  'action_items',
  'escalations',
  'audit_log',
  'slack_deliveries',
];

function flagged(line: string): boolean {
  return (/^SCAN /.test(line) && !/USING (COVERING )?INDEX|CONSTANT ROW/.test(line)) || (/^SCAN .* USING (COVERING )?INDEX/.test(line) && !/SEARCH/.test(line));
}

async function main(): Promise<void> {
  console.log('bench:tick — scheduler tick cost on a large database');
  console.log(machine());
  const migrations = readdirSync(join(ROOT, 'migrations'))
    .sort()
    .map((f) => readFileSync(join(ROOT, 'migrations', f), 'utf8'))
    .join('\n');
  const benchSource = readFileSync(__filename, 'utf8') + readFileSync(join(__dirname, 'support', 'seed.ts'), 'utf8');
  const key = createHash('sha256').update(`${SCHOOLS}:${OUTBOX}:${PLAN_AHEAD_MS}:${migrations}:${benchSource}`).digest('hex').slice(0, 16);
  const cached = join(tmpdir(), `touchpoint-bench-tick-${key}.db`);
  if (FRESH || !existsSync(cached)) {
    rmSync(cached, { force: true });
    const building = `${cached}.building`;
    rmSync(building, { force: true });
    const t = performance.now();
    const s = seed(building);
    copyFileSync(building, cached);
    rmSync(building, { force: true });
    console.log(
      `seeded in ${((performance.now() - t) / 1000).toFixed(1)} s (store ${(s.storeSeedMs / 1000).toFixed(1)} s, rows ${(s.rowsMs / 1000).toFixed(1)} s): ${SCHOOLS} schools, ${s.occurrences} occurrences, ${s.outbox} outbox rows → ${cached}`,
    );
  } else console.log(`using the cached seed ${cached} (--fresh to seed again)`);
  const dir = mkdtempSync(join(tmpdir(), 'touchpoint-bench-tick-'));
  const path = join(dir, 'tick.db');
  copyFileSync(cached, path);

  const clock = new SettableClock(NOW);
  const notifier = new InstantNotifier();
  const core = buildCore({ databasePath: path, clock, notifiers: [notifier], deliverImmediately: false, random: () => 0.5 });
  const counts = core.db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM occurrences) AS occurrences, (SELECT COUNT(*) FROM outbox) AS outbox,
    (SELECT COUNT(*) FROM outbox WHERE status = 'pending') AS pending, (SELECT COUNT(*) FROM series WHERE status = 'active') AS series`,
    )
    .get() as Record<string, number>;
  console.log(`database: ${JSON.stringify(counts)}`);
  const tenantId = (core.db.prepare('SELECT id FROM tenants LIMIT 1').get() as { id: number }).id;
  const upcoming = core.db
    .prepare(`SELECT id FROM occurrences WHERE status = 'scheduled' AND starts_at > ? AND starts_at < ? ORDER BY id`)
    .all(new Date(NOW.getTime() + 86_400_000).toISOString(), new Date(NOW.getTime() + 10 * 86_400_000).toISOString()) as { id: number }[];
  let skipCursor = 0;
  const skipSome = (): void => {
    for (let k = 0; k < SKIPS_PER_TICK; k++) {
      const o = upcoming[(skipCursor++ * 7919) % upcoming.length];
      core.services.series.updateOccurrence(tenantId, o.id, { status: 'skipped', reason: 'bench' }, null, clock.now());
    }
  };

  // The timed ticks. The first tick of a UTC day also runs retention; it is reported apart.
  const times: { at: string; ms: number; sent: number; expired: number }[] = [];
  for (let i = 0; i < TICKS; i++) {
    skipSome();
    const t = performance.now();
    const r = await core.scheduler.tick();
    times.push({ at: clock.now().toISOString().slice(11, 16), ms: performance.now() - t, sent: r.sent, expired: r.expired });
    clock.advance(60_000);
  }
  const steady = times
    .slice(1)
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  const idle = times
    .slice(1)
    .filter((x) => x.sent === 0)
    .map((x) => x.ms)
    .sort((a, b) => a - b);
  const busiest = [...times].sort((a, b) => b.sent - a.sent)[0];

  // Each step on its own (same clock, nothing left to deliver).
  const stepTimes = (fn: () => unknown, n = 5): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      fn();
      out.push(performance.now() - t);
    }
    return out.sort((a, b) => a - b);
  };
  const materialise = stepTimes(() => materialiseAhead(core.services, clock.now()));
  const plan = stepTimes(() => planReminders(core.services, clock.now()));
  const claim = stepTimes(() => core.services.outbox.claimDue(clock.now(), 300_000, 200));
  const dispatchIdle: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await core.dispatcher.dispatchDue();
    dispatchIdle.push(performance.now() - t);
  }
  dispatchIdle.sort((a, b) => a - b);

  // One instrumented pass: an idle tick with skips, the busiest minute again (a fresh batch of
  // reminders due), and a failing send (markRetry), to see every statement a tick runs.
  const inst = instrument(core);
  skipSome();
  await core.scheduler.tick();
  inst.restore();
  // 30 of the reminders the timed ticks sent, due again (their meetings are still ahead or just over).
  core.db
    .prepare(
      `UPDATE outbox SET status = 'pending', next_attempt_at = @now, sent_at = NULL, attempts = 0
    WHERE id IN (SELECT id FROM outbox WHERE status = 'sent' AND sent_at >= @t0 ORDER BY id LIMIT 30)`,
    )
    .run({ now: clock.now().toISOString(), t0: NOW.toISOString() });
  const firstPrepare = { ...prepareCost };
  const inst2 = instrument(core);
  for (const [k, v] of inst.captured) inst2.captured.set(k, v);
  prepareCost.calls += firstPrepare.calls;
  prepareCost.ms += firstPrepare.ms;
  notifier.failNext = 5;
  await core.scheduler.tick();
  inst2.restore();
  const instrumentedTicks = 2;

  // The weekly catch-up: every series' horizon a week behind at once (they were all extended
  // together). The planner may extend only a batch per tick: count the ticks it takes.
  core.db.prepare('UPDATE series SET materialised_through = NULL').run();
  const catchUpTicks: number[] = [];
  while (staleSeries(core, clock.now()) > 0 && catchUpTicks.length < 1000)
    catchUpTicks.push(stepTimes(() => materialiseAhead(core.services, clock.now()), 1)[0]);
  const catchUp = catchUpTicks.reduce((a, b) => a + b, 0);
  const catchUpMax = Math.max(...catchUpTicks);

  console.log('');
  console.log(
    table(
      ['figure', 'value'],
      [
        ['ticks', `${TICKS} (clock ${times[0].at}–${times[times.length - 1].at} UTC, +1 min each, ${SKIPS_PER_TICK} skips before each)`],
        ['first tick (runs the daily retention too)', ms(times[0].ms)],
        ['median tick (ticks 2…)', ms(percentile(steady, 50))],
        ['p99 tick', ms(percentile(steady, 99))],
        ['max tick', ms(steady[steady.length - 1])],
        ['median tick with nothing due', ms(percentile(idle, 50))],
        ['busiest tick', `${ms(busiest.ms)} at ${busiest.at} UTC delivering ${busiest.sent}`],
        [
          'materialise planner alone (median of 5)',
          `${ms(percentile(materialise, 50))} for ${counts.series} active series = ${((percentile(materialise, 50) / counts.series) * 1000).toFixed(0)} µs per series`,
        ],
        [
          'materialise planner, weekly catch-up (all series stale)',
          `${catchUpTicks.length} tick(s), longest ${ms(catchUpMax)}, total ${ms(catchUp)} = ${((catchUp / counts.series) * 1000).toFixed(0)} µs per series`,
        ],
        ['planReminders alone (median of 5)', ms(percentile(plan, 50))],
        ['claimDue with nothing due (median of 5)', ms(percentile(claim, 50))],
        ['dispatchDue with nothing due (median of 5)', ms(percentile(dispatchIdle, 50))],
      ],
    ),
  );

  console.log('');
  console.log(
    `db.prepare during the ${instrumentedTicks} instrumented ticks: ${prepareCost.calls} calls, ${prepareCost.ms.toFixed(1)} ms (statement execution below is timed apart)`,
  );
  console.log(
    `statements run by ${instrumentedTicks} instrumented ticks (an idle minute with ${SKIPS_PER_TICK} skips; a minute with reminders due and 5 failing sends), by total time:`,
  );
  const all = [...inst2.captured.values()].filter((c) => !/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)/i.test(c.sql)).sort((a, b) => b.ms - a.ms);
  let n = 0;
  const warnings: string[] = [];
  for (const c of all) {
    n += 1;
    let plan: string[];
    try {
      plan = (core.db.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.args as [])) as { detail: string }[]).map((r) => r.detail);
    } catch (err) {
      plan = [`(could not explain: ${(err as Error).message})`];
    }
    const sql = c.sql.replace(/\s+/g, ' ').trim();
    console.log(`\n#${n}  ${c.calls} calls, ${c.ms.toFixed(1)} ms total, ${((c.ms / c.calls) * 1000).toFixed(0)} µs each`);
    console.log(`    ${sql.length > 400 ? `${sql.slice(0, 400)}…` : sql}`);
    for (const line of plan) {
      const bad = flagged(line) && BIG.some((t) => new RegExp(`\\b${t}\\b|^SCAN [a-z]{1,2}\\b`).test(line));
      console.log(`    ${bad ? '⚠ ' : '  '}${line}`);
      if (bad) warnings.push(`#${n} full scan: ${line} — ${sql.slice(0, 120)}`);
    }
    // An index walk that visits most of a big table costs as much as a scan: flag by time too.
    if (c.ms / c.calls > 2) warnings.push(`#${n} slow: ${(c.ms / c.calls).toFixed(1)} ms per call (${plan.join(' | ')}) — ${sql.slice(0, 120)}`);
  }
  console.log('');
  console.log(
    warnings.length
      ? `flagged (⚠ full scans of big tables; statements over 2 ms a call):\n${warnings.map((w) => `  ${w}`).join('\n')}`
      : 'no full scans of big tables, no statement over 2 ms a call',
  );
  core.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
