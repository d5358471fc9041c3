/**
 * Confidentiality as a property: random sequences of requests (shared or not), withdrawals, coach
 * answers, replies, status, queue, report, home, forged button presses and forget-me, by random
 * people of three schools in two tenants. Whatever happens:
 *  - nothing rendered for a principal or assistant principal (replies and DMs, as plain text and
 *    as fallback text) contains a request's words, or the name of a teacher who has not shared a
 *    request with them;
 *  - nobody else sees the words of a request they may not see (another teacher's, another school's);
 *  - every count in the aggregate is "fewer than 3" or a number of at least 3, and it is right: the
 *    count of the month as it closed (an erasure after the close does not change it);
 *  - coaching sessions (proposed with an acceptance, confirmed, answered with another time, seen in
 *    `next`, status and Home, forged by leaders): nothing a leader is shown ever says that there is one.
 */
import fc from 'fast-check';
import type { Reply } from '../../../src/core/context';
import type { Message } from '../../../src/messages/model';
import { formOf } from '../../../src/messages/model';
import { localToUtc, toLocal } from '../../../src/core/datetime';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import { seedSchool, type SentDm } from '../../support/harness';
import { createCoachingHarness, type CoachingHarness } from './support';

interface Person {
  handle: string;
  name: string;
  tenant: string;
  school: string;
  role: 'principal' | 'assistant_principal' | 'coach' | 'teacher';
}

// Distinctive names, so finding one in an output means it leaked.
const PEOPLE: Person[] = [
  { handle: 'p1', name: 'Pia Quorvel', tenant: 'alpha', school: 'North', role: 'principal' },
  { handle: 'a1', name: 'Abe Strunzel', tenant: 'alpha', school: 'North', role: 'assistant_principal' },
  { handle: 'c1', name: 'Cleo Vambrick', tenant: 'alpha', school: 'North', role: 'coach' },
  { handle: 't1a', name: 'Tamsin Wexholt', tenant: 'alpha', school: 'North', role: 'teacher' },
  { handle: 't1b', name: 'Tobiah Quillane', tenant: 'alpha', school: 'North', role: 'teacher' },
  { handle: 't1c', name: 'Tess Marrowgate', tenant: 'alpha', school: 'North', role: 'teacher' },
  { handle: 'p2', name: 'Perrin Oxblade', tenant: 'alpha', school: 'South', role: 'principal' },
  { handle: 'c2', name: 'Cyra Dunmoth', tenant: 'alpha', school: 'South', role: 'coach' },
  { handle: 't2a', name: 'Thane Gorsewick', tenant: 'alpha', school: 'South', role: 'teacher' },
  { handle: 't2b', name: 'Tova Hendrixle', tenant: 'alpha', school: 'South', role: 'teacher' },
  { handle: 'p3', name: 'Pell Ardwinter', tenant: 'beta', school: 'East', role: 'principal' },
  { handle: 'a3', name: 'Ada Fenwrought', tenant: 'beta', school: 'East', role: 'assistant_principal' },
  { handle: 'c3', name: 'Corin Blatchley', tenant: 'beta', school: 'East', role: 'coach' },
  { handle: 't3a', name: 'Tilda Varnhollow', tenant: 'beta', school: 'East', role: 'teacher' },
  { handle: 't3b', name: 'Teodor Quenby', tenant: 'beta', school: 'East', role: 'teacher' },
];
const TEACHERS = PEOPLE.filter((p) => p.role === 'teacher');
const COACHES = PEOPLE.filter((p) => p.role === 'coach');
const LEADERS = PEOPLE.filter((p) => p.role === 'principal' || p.role === 'assistant_principal');
const byHandle = new Map(PEOPLE.map((p) => [p.handle, p]));
const isLeader = (p: Person): boolean => p.role === 'principal' || p.role === 'assistant_principal';

const TOPICS = [
  { word: 'classroom-management', key: 'classroom_management', label: 'Classroom management' },
  { word: 'engagement', key: 'engagement', label: 'Student engagement' },
  { word: 'assessment', key: 'assessment', label: 'Assessment and data' },
  { word: 'curriculum', key: 'curriculum', label: 'Curriculum and planning' },
  { word: 'differentiation', key: 'differentiation', label: 'Differentiation' },
  { word: 'technology', key: 'technology', label: 'Technology' },
  { word: 'other', key: 'other', label: 'Other' },
];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface ModelRequest {
  id: number;
  teacher: Person;
  detail: string;
  shared: boolean;
  topic: string;
  month: string;
  /** When its month closes at the school: leaders see the month's count from then on, frozen. */
  closesAt: Date;
  /** When its teacher erased it, if they did. */
  erasedAt?: Date;
}

type Op =
  | { kind: 'request'; teacher: number; topic: number; token: string; share: boolean; viaForm: boolean }
  | { kind: 'withdraw'; teacher: number; pick: number }
  | { kind: 'answer'; coach: number; how: 'accept' | 'ask' | 'decline' | 'done'; pick: number; withSession: boolean }
  | { kind: 'session'; person: number; how: 'confirm' | 'suggest'; pick: number }
  | { kind: 'reply'; teacher: number; pick: number }
  | { kind: 'look'; person: number; what: 'status' | 'queue' | 'home' | 'report' | 'next' }
  | { kind: 'forge'; leader: number; actionId: string; pick: number }
  | { kind: 'forget'; teacher: number }
  | { kind: 'advance'; hours: number };

const pick = fc.nat({ max: 40 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      teacher: fc.nat({ max: TEACHERS.length - 1 }),
      topic: fc.nat({ max: TOPICS.length - 1 }),
      token: fc.stringMatching(/^[A-Z]{5}[0-9]{3}$/),
      share: fc.boolean(),
      viaForm: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), teacher: fc.nat({ max: TEACHERS.length - 1 }), pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      coach: fc.nat({ max: COACHES.length - 1 }),
      how: fc.constantFrom('accept' as const, 'ask' as const, 'decline' as const, 'done' as const),
      pick,
      withSession: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('session' as const),
      person: fc.nat({ max: PEOPLE.length - 1 }),
      how: fc.constantFrom('confirm' as const, 'suggest' as const),
      pick,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reply' as const), teacher: fc.nat({ max: TEACHERS.length - 1 }), pick }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('look' as const),
      person: fc.nat({ max: PEOPLE.length - 1 }),
      what: fc.constantFrom('status' as const, 'queue' as const, 'home' as const, 'report' as const, 'next' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('forge' as const),
      leader: fc.nat({ max: LEADERS.length - 1 }),
      actionId: fc.constantFrom(
        'coaching.accept',
        'coaching.ask',
        'coaching.decline',
        'coaching.done',
        'coaching.reply',
        'coaching.withdraw',
        'coaching.send',
        'coaching.share',
        'coaching.edit',
        'coaching.helpful',
        'coaching.session.confirm',
        'coaching.session.suggest',
      ),
      pick,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), teacher: fc.nat({ max: TEACHERS.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 96 }) }) },
);

const rendered = (m: Message): string => `${m.text}\n${renderPlainText(m)}`;

class World {
  readonly requests: ModelRequest[] = [];
  readonly forgotten = new Set<string>();
  private serial = 0;

  constructor(readonly h: CoachingHarness) {
    for (const [tenant, school] of [
      ['alpha', 'North'],
      ['alpha', 'South'],
      ['beta', 'East'],
    ]) {
      seedSchool(h, {
        tenant,
        name: `${school} School`,
        members: PEOPLE.filter((p) => p.school === school).map((p): [string, string, Person['role']] => [p.handle, p.name, p.role]),
      });
    }
  }

  /** A request id to act on: usually a real one (anyone's: forged for most), sometimes one that does not exist. */
  idFor(n: number): number {
    if (this.requests.length === 0 || n % 7 === 6) return n + 1;
    return this.requests[n % this.requests.length].id;
  }

  /** A session id to act on: usually a real one, sometimes one that does not exist. */
  sessionFor(n: number): number {
    const ids = (this.h.core.db.prepare('SELECT id FROM coaching_sessions ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    if (ids.length === 0 || n % 7 === 6) return n + 1;
    return ids[n % ids.length];
  }

  /** Checks one output shown to a person; throws with the leak when there is one. */
  check(to: Person, output: string, where: string): void {
    // A principal never learns that a teacher has a coaching session, in any form (the refusal for
    // a session they may not see is the same whether it exists or not, so it tells nothing).
    const told = output.replaceAll('There is no such coaching session you can see.', '');
    if (isLeader(to) && /coaching session/i.test(told)) throw new Error(`${where}: ${to.handle} was told of a coaching session:\n${output}`);
    for (const r of this.requests) {
      const mayRead = r.erasedAt === undefined && !isLeader(to) && (r.teacher.handle === to.handle || (to.role === 'coach' && to.school === r.teacher.school));
      if (!mayRead && output.includes(r.detail)) throw new Error(`${where}: ${to.handle} saw "${r.detail}" of ${r.teacher.handle}:\n${output}`);
    }
    if (isLeader(to)) {
      for (const t of TEACHERS) {
        const sharedHere = this.requests.some((r) => r.teacher === t && r.shared && r.erasedAt === undefined && t.school === to.school);
        if (!sharedHere && output.includes(t.name))
          throw new Error(`${where}: ${to.handle} saw the name of ${t.name}, who shared nothing with them:\n${output}`);
      }
      for (const m of output.matchAll(
        /(?:^|; )(?:Classroom management|Student engagement|Assessment and data|Curriculum and planning|Differentiation|Technology|Other): ([^;\n]+)/gm,
      )) {
        if (m[1] !== 'fewer than 3' && !(Number(m[1]) >= 3)) throw new Error(`${where}: a count under 3 was shown: ${m[0]}`);
      }
    }
  }

  reply(to: Person, r: Reply, where: string): Reply {
    for (const m of r.messages) this.check(to, rendered(m), where);
    return r;
  }

  dms(dms: SentDm[], where: string): void {
    for (const d of dms) this.check(byHandle.get(d.to)!, rendered(d.message), `DM after ${where}`);
  }

  /** The counts the report must show: right, and hidden under 3. */
  checkCounts(leader: Person, r: Reply): void {
    const msg = r.messages[0];
    let month = '';
    for (const b of msg.blocks) {
      const head = b.type === 'text' ? /^\*\*(\w+ \d{4})\*\*$/.exec(b.text) : null;
      if (head) month = head[1];
      if (b.type !== 'fields' || !month) continue;
      for (const f of b.fields) {
        const topic = TOPICS.find((t) => t.label === f.label)!;
        // Shared requests are listed by name instead, so they are not counted (no working out by subtraction).
        // A month is counted as it closed: a request erased after that still counts.
        const n = this.requests.filter(
          (q) =>
            (q.erasedAt === undefined || q.erasedAt >= q.closesAt) &&
            !q.shared &&
            q.teacher.school === leader.school &&
            q.topic === topic.key &&
            q.month === month,
        ).length;
        expect([f.label, month, f.value]).toEqual([f.label, month, n < 3 ? 'fewer than 3' : String(n)]);
      }
    }
  }

  async run(op: Op): Promise<void> {
    const { h } = this;
    const where = JSON.stringify(op);
    switch (op.kind) {
      case 'request': {
        const t = TEACHERS[op.teacher];
        if (this.forgotten.has(t.handle)) return;
        const topic = TOPICS[op.topic];
        const detail = `DTL${op.token}${(this.serial += 1)}`;
        let confirm: Message;
        if (op.viaForm) {
          confirm = h.submit(t.handle, 'coaching.request', { topic: topic.key, details: detail, share: op.share ? 'true' : 'false' }, t.tenant).reply
            .messages[0];
        } else {
          confirm = h.coaching(t.handle, `request ${topic.word} ${detail}`, t.tenant).messages[0];
          if (op.share) confirm = h.press(t.handle, confirm, 'Share with my principal', { tenant: t.tenant }).messages[0];
        }
        const sent = this.reply(t, h.press(t.handle, confirm, 'Send request', { tenant: t.tenant }), where);
        const id = Number(/request #(\d+)/.exec(sent.messages[0].text)![1]);
        const local = toLocal(h.clock.now(), 'America/New_York').date;
        const month = `${MONTHS[Number(local.slice(5, 7)) - 1]} ${local.slice(0, 4)}`;
        const next = Number(local.slice(0, 4)) * 12 + Number(local.slice(5, 7)); // the month after, counted from year 0
        const closesAt = localToUtc(`${Math.floor(next / 12)}-${String((next % 12) + 1).padStart(2, '0')}-01`, '00:00', 'America/New_York');
        this.requests.push({ id, teacher: t, detail, shared: op.share, topic: topic.key, month, closesAt });
        break;
      }
      case 'withdraw': {
        const t = TEACHERS[op.teacher];
        this.reply(t, h.coaching(t.handle, `withdraw ${this.idFor(op.pick)}`, t.tenant), where);
        break;
      }
      case 'answer': {
        const c = COACHES[op.coach];
        const id = String(this.idFor(op.pick));
        const actionId = { accept: 'coaching.accept', ask: 'coaching.ask', decline: 'coaching.decline', done: 'coaching.done' }[op.how];
        const first = this.reply(c, h.action(c.handle, actionId, id, c.tenant), where);
        const form = first.messages.map(formOf).find((f) => f !== undefined);
        const session = op.withSession ? { date: '2026-12-01', time: '10:00' } : {};
        if (form)
          this.reply(
            c,
            h.submit(c.handle, form.formId, { when: 'Tuesday 10:00', question: 'What have you tried?', note: 'Try the library.', ...session }, c.tenant).reply,
            where,
          );
        break;
      }
      case 'session': {
        const p = PEOPLE[op.person];
        const id = String(this.sessionFor(op.pick));
        const actionId = op.how === 'confirm' ? 'coaching.session.confirm' : 'coaching.session.suggest';
        const first = this.reply(p, h.action(p.handle, actionId, id, p.tenant), where);
        const form = first.messages.map(formOf).find((f) => f !== undefined);
        if (form) this.reply(p, h.submit(p.handle, form.formId, { date: '2026-12-02', time: '11:00' }, p.tenant).reply, where);
        break;
      }
      case 'reply': {
        const t = TEACHERS[op.teacher];
        const first = this.reply(t, h.action(t.handle, 'coaching.reply', String(this.idFor(op.pick)), t.tenant), where);
        const form = first.messages.map(formOf).find((f) => f !== undefined);
        if (form) this.reply(t, h.submit(t.handle, form.formId, { text: 'Here is more.' }, t.tenant).reply, where);
        break;
      }
      case 'look': {
        const p = PEOPLE[op.person];
        if (op.what === 'home') this.check(p, rendered(h.home(p.handle, p.tenant)), where);
        else if (op.what === 'report') {
          const r = this.reply(p, h.demand(p.handle, p.tenant), where);
          if (isLeader(p)) this.checkCounts(p, r);
        } else if (op.what === 'next') this.reply(p, h.run(p.handle, 'next', { tenant: p.tenant }), where);
        else this.reply(p, h.coaching(p.handle, op.what, p.tenant), where);
        break;
      }
      case 'forge': {
        const l = LEADERS[op.leader];
        const id = this.idFor(op.pick);
        for (const value of [String(id), `${id}:on`, `${id}:yes`]) this.reply(l, h.action(l.handle, op.actionId, value, l.tenant), where);
        for (const form of ['coaching.accept', 'coaching.ask', 'coaching.decline', 'coaching.reply']) {
          this.reply(l, h.submit(l.handle, `${form}:${id}`, { when: 'now', question: 'q', note: 'n', text: 't' }, l.tenant).reply, where);
        }
        const session = this.sessionFor(op.pick);
        for (const actionId of ['coaching.session.confirm', 'coaching.session.suggest'])
          this.reply(l, h.action(l.handle, actionId, String(session), l.tenant), where);
        this.reply(l, h.submit(l.handle, `coaching.session.suggest:${session}`, { date: '2026-12-02', time: '11:00' }, l.tenant).reply, where);
        break;
      }
      case 'forget': {
        const t = TEACHERS[op.teacher];
        if (this.forgotten.has(t.handle)) return;
        this.reply(t, h.coaching(t.handle, 'forget-me', t.tenant), where);
        this.reply(t, h.action(t.handle, 'coaching.forget.confirm', String(h.user(t.handle, t.tenant).id), t.tenant), where);
        this.forgotten.add(t.handle);
        for (const r of this.requests) if (r.teacher === t) r.erasedAt = h.clock.now();
        break;
      }
      case 'advance':
        this.dms(await h.advance(op.hours * 3_600_000), where);
        return;
    }
    this.dms(await h.deliver(), where);
  }
}

describe('confidentiality of coaching requests, as a property', () => {
  it('no leader ever sees a request’s words or an unshared teacher’s name; no one sees words not theirs to see; counts under 3 stay hidden', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const h = createCoachingHarness();
        try {
          const world = new World(h);
          for (const op of ops) await world.run(op);
          // Every leader's report at the end, checked for leaks and counts.
          for (const l of LEADERS) world.checkCounts(l, world.reply(l, h.demand(l.handle, l.tenant), 'final report'));
        } finally {
          h.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
