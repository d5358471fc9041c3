/**
 * `/coaching forget-me` under load: one school (a principal, a coach, TEACHERS teachers and the teacher
 * who erases, Taylor Morgan), a partnership with AGENDA agenda items and ESCALATIONS escalations (a
 * third of them naming Taylor), three coaching requests of Taylor's, OUTBOX outbox rows addressed to
 * the school's members (1 % of the payloads naming Taylor), AUDIT audit rows and DELIVERIES Slack
 * delivery-log keys, in a file database. Then, as the service runs it (`eraseInBackground`):
 *
 * - Taylor types `/coaching forget-me` and presses the danger button: the request's wall time;
 * - every erasure slice (`services.erasure.step`, one transaction each = one hold of the write
 *   lock), and the WAL checkpoint that follows a finished erasure: count, median, p99, max;
 * - the time until `core.erasures.idle()` resolves;
 * - meanwhile another person's command (`help` and `next`, alternating) every 5 ms, timed from the
 *   moment it was due to its reply: how long a request waits behind a slice;
 * - meanwhile a second connection (a worker thread, busy_timeout 5000) trying `BEGIN IMMEDIATE;
 *   COMMIT` every 5 ms: how long another process waits for the write lock;
 * - then NEWCOMERS people with no role, never in a school, each running forget-me and confirming one
 *   after another: the request and the background work to idle, each;
 * - last, one more teacher's erasure with every statement captured (calls, time, slowest call and
 *   EXPLAIN QUERY PLAN), flagging full scans of big tables.
 *
 *   npm run bench:forget -- [--outbox 100000] [--teachers 200] [--agenda 3000] [--escalations 600]
 *                           [--audit 50000] [--deliveries 10000] [--newcomers 20]
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildCore, type Core } from '../src/compose';
import type { Inbound } from '../src/core/app';
import type { Reply } from '../src/core/context';
import { SettableClock } from '../src/core/ports';
import { materialiseAhead } from '../src/features/booking/materialise';
import { buttonsOf } from '../src/messages/model';
import { arg, machine, ms, percentile, seededRandom, table } from './support/machine';
import { sleep } from './support/processes';

const OUTBOX = arg('outbox', 100_000);
const TEACHERS = arg('teachers', 200);
const AGENDA = arg('agenda', 3000);
const ESCALATIONS = arg('escalations', 600);
const AUDIT = arg('audit', 50_000);
const DELIVERIES = arg('deliveries', 10_000);
const NEWCOMERS = arg('newcomers', 20);
/** How often the other person's command and the second connection's write are tried. */
const EVERY_MS = 5;
/** Thursday 19 November 2026, 10:00 in New York. */
const START = new Date('2026-11-19T15:00:00Z');
const TENANT = 'local';

const FIRST = ['Alex', 'Blair', 'Casey', 'Drew', 'Emery', 'Finley', 'Gray', 'Harper', 'Indy', 'Jamie', 'Kendall', 'Logan', 'Nico', 'Oakley', 'Parker', 'Quinn'];
const LAST = ['Abbott', 'Baker', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Hughes', 'Ivanova', 'Jensen', 'Kowalski', 'Lopez', 'Nguyen', 'Okafor', 'Patel'];

const inbound = (handle: string): Inbound => ({ identity: { platform: 'console', tenantExternalId: TENANT, userExternalId: handle, handle } });
const replyText = (r: Reply): string => r.messages.map((m) => m.text).join('\n');

function press(core: Core, handle: string, reply: Reply, label?: string): Reply {
  const buttons = reply.messages.flatMap(buttonsOf);
  const button = label ? buttons.find((b) => b.label === label) : buttons.find((b) => b.style === 'danger');
  if (!button) throw new Error(`no ${label ?? 'danger'} button in: ${replyText(reply)}`);
  return core.app.action(inbound(handle), button.actionId, button.value);
}

/** A coaching request as the teacher makes it: typed, then sent. */
function ask(core: Core, handle: string, words: string): void {
  const confirm = core.app.command(inbound(handle), 'coaching', `request ${words}`);
  const sent = press(core, handle, confirm, 'Send request');
  if (!/request #\d+/.test(replyText(sent))) throw new Error(replyText(sent));
}

interface Seeded {
  tenantId: number;
  schoolId: number;
  taylorId: number;
  outboxNaming: number;
  agendaNaming: number;
  escalationsNaming: number;
  ms: number;
}

/** One school and its history, written straight to the tables in one transaction (the rows the features would have written). */
function seed(core: Core, now: Date): Seeded {
  const t0 = performance.now();
  const rand = seededRandom(7);
  const { people, series } = core.services;
  const iso = (t: number): string => new Date(t).toISOString();
  const ids = core.services.transaction(() => {
    const tenant = people.ensureTenant('console', TENANT, now);
    const user = (handle: string, name: string) => people.ensureUser(tenant.id, handle, now, name, handle);
    const pat = user('pat', 'Pat Rivera');
    const casey = user('casey', 'Casey Lee');
    const school = people.createSchool(
      tenant.id,
      { name: 'Bench Elementary', timeZone: 'America/New_York', dayStart: '07:30', dayEnd: '15:30', createdBy: pat.id },
      now,
    );
    people.addMembership(tenant.id, school.id, pat.id, 'principal', now);
    people.addMembership(tenant.id, school.id, casey.id, 'coach', now);
    const taylor = user('taylor', 'Taylor Morgan');
    people.addMembership(tenant.id, school.id, taylor.id, 'teacher', now);
    const jordan = user('jordan', 'Jordan Kim');
    people.addMembership(tenant.id, school.id, jordan.id, 'teacher', now);
    const teachers: number[] = [];
    for (let i = 0; i < TEACHERS; i++) {
      const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}${i >= FIRST.length * LAST.length ? ` ${i}` : ''}`;
      const u = user(`t${String(i).padStart(3, '0')}`, name);
      people.addMembership(tenant.id, school.id, u.id, 'teacher', now);
      teachers.push(u.id);
    }
    const p = series.ensurePartnership(tenant.id, school.id, pat.id, casey.id, now);
    const s = series.createSeries(
      tenant.id,
      { partnershipId: p.id, cadence: 'weekly', weekday: 2, time: '14:00', durationMinutes: 30, startDate: '2026-01-06', proposedBy: pat.id },
      now,
    );
    series.setSeriesStatus(tenant.id, s.id, 'active', now);
    return { tenantId: tenant.id, schoolId: school.id, partnershipId: p.id, pat: pat.id, casey: casey.id, taylor: taylor.id, jordan: jordan.id, teachers };
  });
  materialiseAhead(core.services, now);
  const members = [ids.pat, ids.casey, ids.jordan, ...ids.teachers];
  const names = (id: number): string => (id === ids.pat ? 'Pat Rivera' : id === ids.casey ? 'Casey Lee' : 'a colleague');
  let outboxNaming = 0;
  let agendaNaming = 0;
  let escalationsNaming = 0;
  core.services.transaction(() => {
    const db = core.db;
    const at = (daysAgo: number): string => iso(now.getTime() - daysAgo * 86_400_000);
    const agenda = db.prepare(
      `INSERT INTO agenda_items (partnership_id, author_id, section, text, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const sections = ['wins', 'data', 'priorities', 'support', 'learning', 'other'];
    for (let i = 0; i < AGENDA; i++) {
      const naming = i % 3 === 0;
      if (naming) agendaNaming += 1;
      const text = naming
        ? [
            `Check in with Taylor Morgan about the new unit (${i})`,
            `Ms. Morgan's grade 3 reading groups: observation ${i}`,
            `T. Morgan asked for co-planning time, week ${i}`,
          ][(i / 3) % 3]
        : `Item ${i}: attendance data for the department, reading scores in grade ${(i % 5) + 1}`;
      agenda.run(
        ids.partnershipId,
        i % 2 ? ids.pat : ids.casey,
        sections[i % sections.length],
        text,
        i < AGENDA - 50 ? 'discussed' : 'open',
        at(i / 10),
        at(i / 10),
      );
    }
    const escalation = db.prepare(
      `INSERT INTO escalations (school_id, partnership_id, coach_id, concern, category, concerns_user_id, stage, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (let i = 0; i < ESCALATIONS; i++) {
      const naming = i % 3 === 0;
      if (naming) escalationsNaming += 1;
      const concern = naming
        ? `Taylor left the class alone for ten minutes (${i}); Taylor Morgan says it was two. TM agreed to talk.`
        : `Photocopier budget for the department, request ${i}`;
      escalation.run(
        ids.schoolId,
        ids.partnershipId,
        ids.casey,
        concern,
        naming ? 'conduct' : 'resources',
        naming && i % 2 === 0 ? ids.taylor : null,
        i < ESCALATIONS - 20 ? 'resolved' : 'raised',
        at(i / 2),
        at(i / 2),
      );
    }
    const outbox = db.prepare(
      `INSERT INTO outbox (tenant_id, recipient_id, kind, dedupe_key, payload, due_at, expires_at, status, attempts, next_attempt_at, sent_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'sent', 1, ?, ?, ?)`,
    );
    const message = (text: string, context: string): string =>
      JSON.stringify({
        text,
        blocks: [
          { type: 'header', text: text.slice(0, 60) },
          { type: 'text', text },
          { type: 'context', text: context },
        ],
      });
    for (let i = 0; i < OUTBOX; i++) {
      // Mostly the leaders' reminders; a share of coaching and escalation messages for teachers.
      const r = rand();
      const recipient = r < 0.35 ? ids.pat : r < 0.7 ? ids.casey : r < 0.995 ? members[Math.floor(rand() * members.length)] : ids.taylor;
      const naming = rand() < 0.01;
      if (naming) outboxNaming += 1;
      const kind = ['agenda.prompt', 'agenda.compiled', 'meeting.outcome', 'coaching.accepted', 'escalation.raised'][i % 5];
      const who = names(recipient);
      const text = naming
        ? kind === 'escalation.raised'
          ? `Casey Lee raised a concern: Taylor left the class alone (${i}). Taylor Morgan has been told it will be discussed.`
          : `Agenda for Tuesday, ${who}: support — check in with Taylor Morgan about the new unit; Ms. Morgan's reading groups (${i}).`
        : kind === 'agenda.prompt'
          ? `Your touch-point with Casey Lee is on Tuesday at 14:00. What should be on the agenda? Reply with /touchpoint add <section> <text> (${i}).`
          : kind === 'agenda.compiled'
            ? `Agenda for Tuesday, Pat Rivera and Casey Lee: wins — reading scores up in grade 3; data — attendance for the department; support — new unit planning (${i}).`
            : kind === 'meeting.outcome'
              ? `Did your touch-point with Casey Lee happen today? Mark it held or missed so the record is right (${i}).`
              : kind === 'coaching.accepted'
                ? `Casey Lee accepted your coaching request about engagement: Friday, period 2. Reply in this thread to change the time (${i}).`
                : `Casey Lee raised a concern about resources: the photocopier budget (${i}).`;
      const due = now.getTime() - (OUTBOX - i) * 300_000;
      outbox.run(
        ids.tenantId,
        recipient,
        kind,
        `bench:${kind}:u${recipient}:${i}`,
        message(text, 'Touchpoint · /touchpoint help'),
        iso(due),
        iso(due + 86_400_000),
        iso(due),
        iso(due + 2000),
        iso(due - 86_400_000),
      );
    }
    const audit = db.prepare(
      `INSERT INTO audit_log (tenant_id, school_id, actor_id, action, subject_type, subject_id, detail, at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)`,
    );
    const actions = ['agenda.add', 'series.skip', 'meeting.held', 'coaching.request', 'escalation.view'];
    for (let i = 0; i < AUDIT; i++) {
      const actor = i % 200 === 0 ? ids.taylor : members[Math.floor(rand() * members.length)];
      const aboutTaylor = i % 500 === 0;
      audit.run(
        ids.tenantId,
        ids.schoolId,
        actor,
        actions[i % actions.length],
        aboutTaylor ? 'user' : 'partnership',
        aboutTaylor ? ids.taylor : ids.partnershipId,
        at((AUDIT - i) / 200),
      );
    }
    const delivery = db.prepare(`INSERT INTO slack_deliveries (delivery_key, status, started_at, finished_at) VALUES (?, 'done', ?, ?)`);
    for (let i = 0; i < DELIVERIES; i++) {
      const who = i % 100 === 0 ? 'taylor' : `U${String(i % 997).padStart(6, '0')}`;
      delivery.run(`action:T_FAKE:${who}:${i}`, at(i / 1000), at(i / 1000));
    }
  });
  // Taylor's own coaching requests, through the app as she would make them.
  ask(core, 'taylor', 'engagement Taylor Morgan: my period 3 groups are not working');
  ask(core, 'taylor', 'technology the smartboard freezes in room 12');
  ask(core, 'taylor', 'assessment rubric for the new unit');
  core.db.pragma('wal_checkpoint(TRUNCATE)');
  return {
    tenantId: ids.tenantId,
    schoolId: ids.schoolId,
    taylorId: ids.taylor,
    outboxNaming,
    agendaNaming,
    escalationsNaming,
    ms: performance.now() - t0,
  };
}

/** A second connection to the file, in a worker thread: `BEGIN IMMEDIATE; COMMIT` every EVERY_MS, each attempt's wait recorded. */
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const attempts = [];
let stop = false;
parentPort.on('message', () => { stop = true; });
function attempt() {
  if (stop) { db.close(); parentPort.postMessage(attempts); return; }
  const at = performance.timeOrigin + performance.now();
  const t = performance.now();
  let ok = true;
  try { db.exec('BEGIN IMMEDIATE'); db.exec('COMMIT'); } catch (err) { ok = false; try { db.exec('ROLLBACK'); } catch {} }
  attempts.push({ at, ms: performance.now() - t, ok });
  setTimeout(attempt, ${EVERY_MS});
}
parentPort.postMessage('ready');
attempt();
`;

interface WriterAttempt {
  at: number;
  ms: number;
  ok: boolean;
}

function startWriter(path: string): Promise<{ stop(): Promise<WriterAttempt[]> }> {
  const worker = new Worker(WRITER, { eval: true, workerData: { path, module: require.resolve('better-sqlite3') } });
  let resolveAttempts: (a: WriterAttempt[]) => void = () => undefined;
  const attempts = new Promise<WriterAttempt[]>((r) => (resolveAttempts = r));
  return new Promise((ready, fail) => {
    worker.once('error', fail);
    worker.on('message', (m: unknown) => {
      if (m === 'ready') ready({ stop: () => (worker.postMessage('stop'), attempts) });
      else {
        resolveAttempts(m as WriterAttempt[]);
        void worker.terminate();
      }
    });
  });
}

/** Another person's commands every EVERY_MS while `running`: each timed from when it was due to its reply. */
function startOtherCommands(core: Core): { stop(): Promise<{ latency: number[]; busy: number }> } {
  const latency: number[] = [];
  let busy = 0;
  let stopped = false;
  let n = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((r) => (finished = r));
  const next = (): void => {
    if (stopped) return finished();
    const due = performance.now() + EVERY_MS;
    setTimeout(() => {
      const reply = n++ % 2 ? core.app.command(inbound('pat'), 'touchpoint', 'next') : core.app.command(inbound('casey'), 'touchpoint', 'help');
      if (/busy/i.test(replyText(reply))) busy += 1;
      latency.push(performance.now() - due);
      next();
    }, EVERY_MS);
  };
  next();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return { latency, busy };
    },
  };
}

interface Slice {
  at: number;
  ms: number;
  /** The slice's work inside its transaction; the rest of `ms` is BEGIN and COMMIT (with any automatic WAL checkpoint the COMMIT ran). */
  work: number;
  /** The WAL file's size before and after the slice, in bytes. */
  walBefore: number;
  walAfter: number;
  /** The phase the oldest unfinished erasure was in before and after the slice (see PHASES). */
  from: number;
  to: number;
}

/** The phases of src/store/erasure.ts, in its order, to name where a slow slice was. */
const PHASES = [
  'escalations.concern',
  'escalations.plan_text',
  'agenda_items.text',
  'action_items.text',
  'priorities.text',
  'occurrences.reason',
  'closures.label',
  'outbox payloads',
  'slack_deliveries keys',
  'audit_log subjects',
  'references to the user',
  'user row',
];
const phaseName = (p: number): string => PHASES[p] ?? (p >= PHASES.length ? 'done' : `phase ${p}`);

/**
 * Wraps the store's step (one slice, one transaction) and the checkpoint after a finished erasure,
 * recording each call; and the connection's `transaction`, to tell a slice's work from its COMMIT.
 */
function recordSlices(core: Core, walPath: string): { slices: Slice[]; checkpoints: number[] } {
  const slices: Slice[] = [];
  const checkpoints: number[] = [];
  const erasure = core.services.erasure;
  const step = erasure.step.bind(erasure);
  const wal = (): number => (existsSync(walPath) ? statSync(walPath).size : 0);
  let inStep = false;
  let work = 0;
  const db = core.db as unknown as { transaction: (fn: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown };
  const transaction = db.transaction.bind(core.db);
  db.transaction = (fn) =>
    transaction((...a: unknown[]) => {
      if (!inStep) return fn(...a);
      const t = performance.now();
      try {
        return fn(...a);
      } finally {
        work = performance.now() - t;
      }
    });
  const phase = (): number =>
    (core.db.prepare('SELECT phase FROM erasures WHERE completed_at IS NULL ORDER BY id LIMIT 1').get() as { phase: number } | undefined)?.phase ??
    PHASES.length;
  erasure.step = (budgetMs, now) => {
    const from = phase();
    const walBefore = wal();
    inStep = true;
    const t = performance.now();
    try {
      return step(budgetMs, now);
    } finally {
      const took = performance.now() - t;
      inStep = false;
      slices.push({ at: t, ms: took, work, walBefore, walAfter: wal(), from, to: phase() });
    }
  };
  const flush = core.services.flushErased.bind(core.services);
  core.services.flushErased = () => {
    const t = performance.now();
    try {
      flush();
    } finally {
      checkpoints.push(performance.now() - t);
    }
  };
  return { slices, checkpoints };
}

interface Captured {
  sql: string;
  args: unknown[];
  calls: number;
  ms: number;
  max: number;
}

/** Wraps db.prepare so every statement records its calls, total and slowest call, and first arguments. */
function instrument(core: Core): { captured: Map<string, Captured>; restore(): void } {
  const captured = new Map<string, Captured>();
  let on = true;
  const seen = new WeakSet<object>();
  const db = core.db as unknown as { prepare: (sql: string) => Record<string, unknown> };
  const original = db.prepare;
  db.prepare = function (this: unknown, sql: string) {
    const stmt = original.call(core.db, sql) as Record<string, (...a: unknown[]) => unknown>;
    if (seen.has(stmt)) return stmt;
    seen.add(stmt);
    for (const m of ['run', 'get', 'all']) {
      const fn = stmt[m];
      stmt[m] = (...args: unknown[]) => {
        if (!on) return fn.apply(stmt, args);
        let c = captured.get(sql);
        if (!c) {
          c = { sql, args, calls: 0, ms: 0, max: 0 };
          captured.set(sql, c);
        }
        const t = performance.now();
        try {
          return fn.apply(stmt, args);
        } finally {
          const d = performance.now() - t;
          c.calls += 1;
          c.ms += d;
          c.max = Math.max(c.max, d);
        }
      };
    }
    return stmt;
  };
  return {
    captured,
    restore: () => {
      on = false;
      db.prepare = original;
    },
  };
}

const BIG = ['outbox', 'audit_log', 'slack_deliveries', 'agenda_items', 'escalations', 'occurrences', 'memberships', 'users'];

function medianMax(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? '—' : `${ms(percentile(s, 50))} / ${ms(s[s.length - 1])}`;
}

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return '—';
  return `${ms(percentile(s, 50))} / ${ms(percentile(s, 99))} / ${ms(s[s.length - 1])}`;
}

async function main(): Promise<void> {
  console.log('bench:forget — /coaching forget-me on a school with a large outbox');
  console.log(machine());
  const dir = mkdtempSync(join(tmpdir(), 'touchpoint-bench-forget-'));
  const path = join(dir, 'forget.db');
  const clock = new SettableClock(START);
  const core = buildCore({
    databasePath: path,
    clock,
    eraseInBackground: true,
    deliverImmediately: false,
    random: () => 0.5,
    erasureLedgerPath: join(dir, 'erasures.ledger'),
    // A failed slice is a finding: say it, rather than report an erasure that stopped as done.
    logger: { info() {}, debug() {}, warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) },
  });
  const s = seed(core, clock.now());
  const count = (sql: string): number => (core.db.prepare(sql).get() as { n: number }).n;
  console.log(
    `seeded in ${(s.ms / 1000).toFixed(1)} s: ${count('SELECT COUNT(*) AS n FROM memberships')} members, ${count('SELECT COUNT(*) AS n FROM outbox')} outbox rows (${s.outboxNaming} naming Taylor), ` +
      `${AGENDA} agenda items (${s.agendaNaming} naming her), ${ESCALATIONS} escalations (${s.escalationsNaming}), ${AUDIT} audit rows, ${DELIVERIES} delivery keys, ` +
      `${count(`SELECT COUNT(*) AS n FROM coaching_requests WHERE teacher_id = ${s.taylorId}`)} requests of hers`,
  );
  const { slices, checkpoints } = recordSlices(core, `${path}-wal`);

  // Taylor erases herself while another person types commands and another connection writes.
  const writer = await startWriter(path);
  await sleep(200);
  const others = startOtherCommands(core);
  const window0 = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  const plan = core.app.command(inbound('taylor'), 'coaching', 'forget-me');
  const tCommand = performance.now() - t0;
  const t1 = performance.now();
  const done = press(core, 'taylor', plan);
  const tPress = performance.now() - t1;
  if (!/^Done\./.test(replyText(done))) throw new Error(replyText(done));
  const firstSliceInPress = slices.filter((x) => x.at >= t1 && x.at < t1 + tPress).reduce((a, x) => a + x.ms, 0);
  await core.erasures.idle();
  const tIdle = performance.now() - t0;
  const window1 = performance.timeOrigin + performance.now();
  const { latency, busy } = await others.stop();
  await sleep(100);
  const attempts = await writer.stop();
  const during = attempts.filter((a) => a.at >= window0 && a.at <= window1);
  const before = attempts.filter((a) => a.at < window0);
  const taylorSlices = slices.map((x) => x.ms);
  const slowest = slices.reduce((a, x) => (x.ms > a.ms ? x : a), slices[0]);
  // The write lock is free only between one slice's commit and the next slice's begin.
  const gaps = slices
    .slice(1)
    .map((x, i) => x.at - (slices[i].at + slices[i].ms))
    .sort((a, b) => a - b);
  const taylorCheckpoints = [...checkpoints];
  const left = {
    agenda: count(`SELECT COUNT(*) AS n FROM agenda_items WHERE text LIKE '%Morgan%'`),
    escalations: count(`SELECT COUNT(*) AS n FROM escalations WHERE concern LIKE '%Taylor%' OR concern LIKE '%Morgan%'`),
    outbox: count(`SELECT COUNT(*) AS n FROM outbox WHERE payload LIKE '%Morgan%'`),
    name: count(`SELECT COUNT(*) AS n FROM users WHERE display_name = 'Taylor Morgan'`),
  };

  // Newcomers with no role, one after another.
  const newcomers: { request: number; total: number; slices: number; longest: number }[] = [];
  for (let i = 0; i < NEWCOMERS; i++) {
    const handle = `newcomer${i}`;
    const from = slices.length;
    const t = performance.now();
    const r = press(core, handle, core.app.command(inbound(handle), 'coaching', 'forget-me'));
    const request = performance.now() - t;
    if (!/^Done\./.test(replyText(r))) throw new Error(replyText(r));
    await core.erasures.idle();
    const mine = slices.slice(from).map((x) => x.ms);
    newcomers.push({ request, total: performance.now() - t, slices: mine.length, longest: Math.max(0, ...mine) });
  }
  // The same newcomer's button pressed twice, the second while the first is under way: nothing more to do.
  const erasuresBefore = count('SELECT COUNT(*) AS n FROM erasures');
  const twice = core.app.command(inbound('twice'), 'coaching', 'forget-me');
  press(core, 'twice', twice);
  const tAgain = performance.now();
  press(core, 'twice', twice);
  const again = performance.now() - tAgain;
  await core.erasures.idle();
  const erasuresOfTwice = count('SELECT COUNT(*) AS n FROM erasures') - erasuresBefore;

  // One more teacher, every statement captured.
  const inst = instrument(core);
  const tj = performance.now();
  press(core, 'jordan', core.app.command(inbound('jordan'), 'coaching', 'forget-me'));
  await core.erasures.idle();
  const tJordan = performance.now() - tj;
  inst.restore();

  const sortedSlices = [...taylorSlices].sort((a, b) => a - b);
  const waits = during.map((a) => a.ms).sort((a, b) => a - b);
  const lat = [...latency].sort((a, b) => a - b);
  const reqs = newcomers.map((x) => x.request);
  const totals = newcomers.map((x) => x.total);
  console.log('');
  console.log(
    table(
      ['figure', 'value'],
      [
        [
          'forget-me request: command + button (wall)',
          `${ms(tCommand + tPress)} (command ${ms(tCommand)}, button ${ms(tPress)}, of which the first slice ${ms(firstSliceInPress)})`,
        ],
        ['slices (write-lock holds): count', taylorSlices.length],
        [
          'slice median / p99 / max',
          `${ms(percentile(sortedSlices, 50))} / ${ms(percentile(sortedSlices, 99))} / ${ms(sortedSlices[sortedSlices.length - 1])}`,
        ],
        ['slices over 100 ms', taylorSlices.filter((x) => x > 100).length],
        [
          'the longest slice',
          `${phaseName(slowest.from)} → ${phaseName(slowest.to)}: work ${ms(slowest.work)}, COMMIT ${ms(slowest.ms - slowest.work)}, WAL ${mib(slowest.walBefore)} → ${mib(slowest.walAfter)}`,
        ],
        ['slice work (the part the 40 ms budget sees), max', ms(Math.max(...slices.map((x) => x.work)))],
        ['slice COMMIT, median / max', medianMax(slices.map((x) => x.ms - x.work))],
        ['gap between slices (lock free), median / max', `${ms(percentile(gaps, 50), 2)} / ${ms(gaps[gaps.length - 1], 2)}`],
        ['WAL checkpoint after the erasure (TRUNCATE)', taylorCheckpoints.map((x) => ms(x)).join(', ') || '—'],
        ['button to erasures.idle()', ms(tIdle)],
        ['time in slices ÷ time to idle', `${((taylorSlices.reduce((a, b) => a + b, 0) / tIdle) * 100).toFixed(0)} %`],
        [`other person's command every ${EVERY_MS} ms: count`, `${lat.length} (busy answers: ${busy})`],
        ['  due → reply, median / p99 / max', summary(lat)],
        [
          `second connection BEGIN IMMEDIATE every ${EVERY_MS} ms: attempts`,
          `${during.length} during, ${before.length} before (failed: ${during.filter((a) => !a.ok).length})`,
        ],
        ['  wait for the write lock, median / p99 / max', `${summary(waits)} (before the erasure: max ${ms(Math.max(0, ...before.map((a) => a.ms)))})`],
        ['left naming Taylor: agenda / escalations / outbox / user row', `${left.agenda} / ${left.escalations} / ${left.outbox} / ${left.name}`],
        [
          `${NEWCOMERS} newcomers (no role), request median / max`,
          `${ms(
            percentile(
              [...reqs].sort((a, b) => a - b),
              50,
            ),
          )} / ${ms(Math.max(...reqs))}`,
        ],
        [
          '  request → idle, median / max',
          `${ms(
            percentile(
              [...totals].sort((a, b) => a - b),
              50,
            ),
          )} / ${ms(Math.max(...totals))}`,
        ],
        [
          '  slices each, longest slice',
          `${Math.min(...newcomers.map((x) => x.slices))}–${Math.max(0, ...newcomers.map((x) => x.slices))}, ${ms(Math.max(0, ...newcomers.map((x) => x.longest)))}`,
        ],
        ['the button pressed again while under way', `${ms(again)}, erasures recorded: ${erasuresOfTwice}`],
        ['a second teacher (statements captured, slower)', ms(tJordan)],
      ],
    ),
  );

  console.log('');
  console.log(`statements of the instrumented erasure, by total time (top 15):`);
  const all = [...inst.captured.values()].filter((c) => !/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)/i.test(c.sql)).sort((a, b) => b.ms - a.ms);
  const warnings: string[] = [];
  all.slice(0, 15).forEach((c, i) => {
    let planLines: string[];
    try {
      planLines = (core.db.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.args as [])) as { detail: string }[]).map((r) => r.detail);
    } catch (err) {
      planLines = [`(could not explain: ${(err as Error).message})`];
    }
    const sql = c.sql.replace(/\s+/g, ' ').trim();
    console.log(`\n#${i + 1}  ${c.calls} calls, ${c.ms.toFixed(1)} ms total, slowest ${c.max.toFixed(2)} ms`);
    console.log(`    ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}`);
    for (const line of planLines) {
      const bad = /^SCAN /.test(line) && !/USING (COVERING )?INDEX|CONSTANT ROW/.test(line) && BIG.some((t) => new RegExp(`\\b${t}\\b`).test(line));
      console.log(`    ${bad ? '⚠ ' : '  '}${line}`);
      if (bad) warnings.push(`#${i + 1} full scan: ${line} (slowest call ${c.max.toFixed(2)} ms) — ${sql.slice(0, 100)}`);
    }
  });
  console.log('');
  console.log(warnings.length ? `flagged:\n${warnings.map((w) => `  ${w}`).join('\n')}` : 'no full scans of big tables among them');
  core.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
