/**
 * Seeding for the benches, through the repositories (one transaction) so the rows are what the service
 * itself would have written: a Slack workspace, schools each with a principal and a coach (a coach
 * may serve several schools), a partnership and an active weekly series per school.
 */
import { buildCore, type Core } from '../../src/compose';
import { SettableClock } from '../../src/core/ports';
import type { Weekday } from '../../src/core/datetime';
import { addDays, todayIn, toLocal } from '../../src/core/datetime';
import { HORIZON_DAYS } from '../../src/features/booking/service';
import { materialiseAhead } from '../../src/features/booking/materialise';
import { planReminders } from '../../src/features/agenda/reminders';

export const TEAM = 'T_FAKE';
export const TIME_ZONE = 'America/New_York';

export interface SeededPartnership {
  schoolId: number;
  partnershipId: number;
  seriesId: number;
  principalId: number;
  coachId: number;
  principalExternalId: string;
  coachExternalId: string;
}

export interface SeedOptions {
  partnerships: number;
  /** Schools each coach serves (1: every partnership has its own coach). */
  perCoach: number;
  /** The series' meeting: local weekday and time in TIME_ZONE (default: spread over the week). */
  meeting?: (i: number) => { weekday: Weekday; time: string };
  startDate: string;
  now: Date;
  timeZone?: string;
}

export function principalId(i: number): string {
  return `UP${String(i).padStart(6, '0')}`;
}
export function coachId(i: number): string {
  return `UC${String(i).padStart(6, '0')}`;
}

const TIMES = ['07:45', '08:30', '10:15', '12:00', '13:30', '14:00', '14:45', '15:15'];

export function seedPartnerships(core: Core, o: SeedOptions): { tenantId: number; partnerships: SeededPartnership[] } {
  const tz = o.timeZone ?? TIME_ZONE;
  const meeting = o.meeting ?? ((i: number) => ({ weekday: ((i % 5) + 1) as Weekday, time: TIMES[i % TIMES.length] }));
  return core.services.transaction(() => {
    const tenant = core.services.people.ensureTenant('slack', TEAM, o.now, 'Bench District');
    const coaches: number[] = [];
    const partnerships: SeededPartnership[] = [];
    for (let i = 0; i < o.partnerships; i++) {
      const c = Math.floor(i / o.perCoach);
      if (coaches[c] === undefined) coaches[c] = core.services.people.ensureUser(tenant.id, coachId(c), o.now, `Coach ${c}`, `coach${c}`).id;
      const principal = core.services.people.ensureUser(tenant.id, principalId(i), o.now, `Principal ${i}`, `principal${i}`);
      const school = core.services.people.createSchool(
        tenant.id,
        { name: `School ${i}`, timeZone: tz, dayStart: '07:30', dayEnd: '15:30', createdBy: principal.id },
        o.now,
      );
      core.services.people.addMembership(tenant.id, school.id, principal.id, 'principal', o.now);
      core.services.people.addMembership(tenant.id, school.id, coaches[c], 'coach', o.now);
      const p = core.services.series.ensurePartnership(tenant.id, school.id, principal.id, coaches[c], o.now);
      const { weekday, time } = meeting(i);
      const series = core.services.series.createSeries(
        tenant.id,
        { partnershipId: p.id, cadence: 'weekly', weekday, time, durationMinutes: 30, startDate: o.startDate, proposedBy: principal.id },
        o.now,
      );
      core.services.series.setSeriesStatus(tenant.id, series.id, 'active', o.now);
      partnerships.push({
        schoolId: school.id,
        partnershipId: p.id,
        seriesId: series.id,
        principalId: principal.id,
        coachId: coaches[c],
        principalExternalId: principalId(i),
        coachExternalId: coachId(c),
      });
    }
    return { tenantId: tenant.id, partnerships };
  });
}

/** Active series whose horizon the materialise planner would extend at `now`. */
export function staleSeries(core: Core, now: Date): number {
  const stale = addDays(todayIn(now, 'UTC'), HORIZON_DAYS - 7);
  return (
    core.db.prepare(`SELECT COUNT(*) AS n FROM series WHERE status = 'active' AND (materialised_through IS NULL OR materialised_through < ?)`).get(stale) as {
      n: number;
    }
  ).n;
}

/** Materialises every series and plans their reminders, as the ticks before `now` would have. */
export function planAhead(core: Core, now: Date): { occurrencesPlanned: number } {
  // The planner extends a bounded batch of series per tick: run it until none is left behind.
  for (let i = 0; i < 100_000 && staleSeries(core, now) > 0; i++) materialiseAhead(core.services, now);
  let planned = 0;
  for (;;) {
    const n = planReminders(core.services, now);
    planned += n;
    if (n < 5000) break;
  }
  return { occurrencesPlanned: planned };
}

/** The local weekday and time of an instant in the bench's zone. */
export function localMeeting(at: Date, tz = TIME_ZONE): { weekday: Weekday; time: string; date: string } {
  const l = toLocal(at, tz);
  return { weekday: l.weekday, time: l.time, date: l.date };
}

/** A coach's schools meet at different times (a coach serves at most 8 here). */
const MEETING_TIMES = ['07:45', '08:30', '10:15', '12:00', '13:30', '14:00', '14:45', '15:15'];

/**
 * The 08:00 agenda prompts, due now: every school meets on Thursday 5 March 2026 (a coach's schools
 * at different times), so every prompt — two school days before, 08:00 local — is due on Tuesday
 * 3 March at 08:00. Planned by the real planners on a settable clock at 07:59; then the prompts are
 * moved to the wall clock's present (due a second ago, expiring as far ahead as they did) and every
 * other planned row is set aside (cancelled), so the burst is exactly 2 × partnerships prompts.
 * Series are marked materialised far ahead, keeping the materialiser's weekly catch-up out of the
 * measurement (bench:tick measures it).
 */
export function seedPromptBurst(
  databasePath: string,
  o: { partnerships: number; perCoach: number },
): {
  prompts: number;
  totalRows: number;
  occurrencesPlanned: number;
  seedMs: number;
  planMs: number;
  dueFrom: Date;
} {
  const clock = new SettableClock(new Date('2026-03-03T12:59:00Z'));
  const promptAt = new Date('2026-03-03T13:00:00Z');
  let t = performance.now();
  const core = buildCore({ databasePath, clock, deliverImmediately: false });
  seedPartnerships(core, {
    partnerships: o.partnerships,
    perCoach: o.perCoach,
    meeting: (i) => ({ weekday: 4, time: MEETING_TIMES[i % o.perCoach] }),
    startDate: '2026-01-05',
    now: clock.now(),
  });
  const seedMs = performance.now() - t;
  t = performance.now();
  const { occurrencesPlanned } = planAhead(core, clock.now());
  const planMs = performance.now() - t;
  const shift = Date.now() - 1000 - promptAt.getTime();
  const prompts = core.services.transaction(() => {
    core.db
      .prepare(`UPDATE outbox SET status = 'cancelled' WHERE status = 'pending' AND NOT (kind = 'agenda.prompt' AND due_at = ?)`)
      .run(promptAt.toISOString());
    const rows = core.db.prepare(`SELECT id, due_at, expires_at FROM outbox WHERE status = 'pending'`).all() as {
      id: number;
      due_at: string;
      expires_at: string;
    }[];
    const move = core.db.prepare('UPDATE outbox SET due_at = ?, next_attempt_at = ?, expires_at = ? WHERE id = ?');
    const at = (iso: string): string => new Date(Date.parse(iso) + shift).toISOString();
    for (const r of rows) move.run(at(r.due_at), at(r.due_at), at(r.expires_at), r.id);
    core.db.prepare(`UPDATE series SET materialised_through = '2999-12-31'`).run();
    return rows.length;
  });
  const totalRows = (core.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  core.db.pragma('wal_checkpoint(TRUNCATE)');
  core.close();
  return { prompts, totalRows, occurrencesPlanned, seedMs, planMs, dueFrom: new Date(promptAt.getTime() + shift) };
}
