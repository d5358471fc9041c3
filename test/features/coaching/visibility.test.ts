/**
 * Who sees a coaching request (DESIGN.md "Who sees what"): the teacher and the school's coaches.
 * Another school's coach, another teacher, the principal and AP (unshared), and people of another
 * tenant get nothing of it — through status, queue, home, or buttons and forms with forged ids —
 * and the request is unchanged after every try.
 */
import { seedSchool, text } from '../../support/harness';
import type { Reply } from '../../../src/core/context';
import type { Message } from '../../../src/messages/model';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import {
  aggregateCount,
  canActAsRequester,
  canAnswerRequest,
  canRequestCoaching,
  canSeeCoachingDemand,
  canSeeRequest,
  requestFieldsForLeader,
  type CoachingRequestFacts,
} from '../../../src/core/policy';
import type { Actor, Role, School } from '../../../src/core/model';
import { buildExport, runRetention } from '../../../src/features/operations/commands';
import { identity } from '../../support/harness';
import { ask, createCoachingHarness, type CoachingHarness } from './support';

const SECRET = 'PANGOLIN-7731 my mentor left';
const plain = (m: Message): string => `${m.text}\n${renderPlainText(m)}`;
const all = (r: Reply): string => r.messages.map(plain).join('\n');

let h: CoachingHarness;
let id: number;
beforeEach(async () => {
  h = createCoachingHarness();
  seedSchool(h, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['alex', 'Alex Chen', 'assistant_principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
      ['jordan', 'Jordan Kim', 'teacher'],
    ],
  });
  seedSchool(h, {
    name: 'Westside Middle',
    members: [
      ['wes', 'Wes Park', 'principal'],
      ['kim', 'Kim Ito', 'coach'],
      ['lee', 'Lee Fox', 'teacher'],
    ],
  });
  seedSchool(h, {
    tenant: 'other-district',
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
    ],
  });
  id = ask(h, 'taylor', 'classroom-management', SECRET);
  await h.deliver();
});
afterEach(() => h.close());

const snapshot = (): unknown => ({
  request: h.core.db.prepare('SELECT * FROM coaching_requests WHERE id = ?').get(id),
  messages: h.core.db.prepare('SELECT COUNT(*) AS n FROM coaching_messages').get(),
  outbox: h.core.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'`).get(),
});

describe.each([
  ['another school’s coach', 'kim', 'local'],
  ['another teacher', 'jordan', 'local'],
  ['the principal (not shared)', 'pat', 'local'],
  ['the assistant principal (not shared)', 'alex', 'local'],
  ['a coach of another tenant', 'casey', 'other-district'],
  ['the same name in another tenant', 'taylor', 'other-district'],
])('%s', (_who, handle, tenant) => {
  it('gets nothing through status, queue, home or the aggregate beyond a count', () => {
    const outputs = [
      all(h.coaching(handle, 'status', tenant)),
      all(h.coaching(handle, 'queue', tenant)),
      plain(h.home(handle, tenant)),
      all(h.demand(handle, tenant)),
    ].join('\n');
    expect(outputs).not.toContain('PANGOLIN');
    expect(outputs).not.toContain('Taylor');
    expect(outputs).not.toContain(`#${id}`);
  });

  it('gets nothing through buttons and forms with forged ids, and changes nothing', () => {
    const before = snapshot();
    const values = [String(id), `${id}:on`, `${id}:yes`, `#${id}`];
    const actions = [
      'coaching.accept',
      'coaching.ask',
      'coaching.decline',
      'coaching.done',
      'coaching.reply',
      'coaching.helpful',
      'coaching.withdraw',
      'coaching.send',
      'coaching.share',
      'coaching.edit',
      'coaching.discard',
    ];
    const replies: string[] = [];
    for (const actionId of actions) for (const v of values) replies.push(all(h.action(handle, actionId, v, tenant)));
    for (const form of ['coaching.accept', 'coaching.ask', 'coaching.decline', 'coaching.reply']) {
      replies.push(all(h.submit(handle, `${form}:${id}`, { when: 'now', question: 'q', note: 'n', text: 't' }, tenant).reply));
    }
    replies.push(all(h.coaching(handle, `withdraw ${id}`, tenant)));
    for (const r of replies) {
      expect(r).not.toContain('PANGOLIN');
      expect(r).not.toContain('Taylor');
      expect(r.split('\n')[0]).toMatch(
        /^(There is no such coaching request you can see\.|That button is out of date\.|That button is out of date\. Type the command again\.)$/,
      );
    }
    expect(snapshot()).toEqual(before);
    // Only the first delivery (to the school's coach and the teacher's receipt) ever carried the words.
    expect(
      h.notifier.sent
        .filter((d) => renderPlainText(d.message).includes('PANGOLIN'))
        .map((d) => d.to)
        .sort(),
    ).toEqual(['casey', 'taylor']);
  });
});

describe('those who may see it', () => {
  it('the teacher and the school’s coach see everything; a coach’s forged id for a draft sees nothing', () => {
    expect(all(h.coaching('taylor', 'status'))).toContain(`#${id}`);
    expect(all(h.coaching('casey', 'queue'))).toContain('PANGOLIN');
    expect(plain(h.home('casey'))).toContain('Taylor Morgan');
    const draft = h.coaching('taylor', 'request other DRAFT-ONLY words').messages[0];
    const draftId = /"value":"(\d+)"/.exec(JSON.stringify(draft.blocks))![1];
    expect(text(h.action('casey', 'coaching.accept', draftId))).toBe('There is no such coaching request you can see.');
    expect(all(h.coaching('casey', 'queue'))).not.toContain('DRAFT-ONLY');
  });

  it('shared requests are not counted again in the aggregate, so nothing can be worked out by subtraction', () => {
    for (const who of ['jordan', 'jordan', 'jordan']) ask(h, who, 'engagement', 'SHARED-ENGAGEMENT words', { share: true });
    const report = all(h.demand('pat'));
    // Taylor's one unshared engagement request (from the set-up) is in the month still open: not shown, beside three listed shared ones.
    expect(report).toContain('No coaching requests in these months.');
    expect(text(h.demand('pat')).match(/Student engagement — Jordan Kim/g)).toHaveLength(3);
    expect(report).not.toMatch(/Student engagement: [0-9]/);
  });

  it('a shared request shows the principal topic, teacher, status and dates only; counts under 3 say "fewer than 3"', () => {
    ask(h, 'jordan', 'engagement', 'OCELOT shared words', { share: true });
    const report = all(h.demand('pat'));
    expect(report).toContain('Student engagement — Jordan Kim — waiting for a coach — sent Thu 19 Nov 2026');
    expect(report).not.toContain('OCELOT');
    expect(report).not.toContain('Taylor');
    expect(report).toContain('No coaching requests in these months.');
    expect(report).not.toMatch(/: [0-2]\b/);
    ask(h, 'jordan', 'classroom-management', 'two');
    // Another school's request does not count here.
    ask(h, 'lee', 'classroom-management', 'other school');
    expect(all(h.demand('pat'))).toContain('No coaching requests in these months.');
    expect(all(h.demand('wes'))).toContain('No coaching requests in these months.');
    const tenantId = h.user('pat').tenantId;
    const sam = h.core.services.people.ensureUser(tenantId, 'sam', h.clock.now(), 'Sam Ortiz', 'sam');
    h.core.services.people.addMembership(tenantId, 1, sam.id, 'teacher', h.clock.now());
    ask(h, 'sam', 'classroom-management', 'three');
    // Leaders see a month once it has closed (differencing.test.ts): November, in December.
    h.clock.set(new Date('2026-12-01T15:00:00Z'));
    const third = all(h.demand('pat'));
    expect(third).toContain('November 2026\nClassroom management: 3; Other topics: fewer than 3 each');
    // Only the month with requests: October and September had none, and are not listed topic by topic.
    expect(third).not.toMatch(/October 2026|September 2026/);
    expect(third).not.toMatch(/Sam|Taylor|three|PANGOLIN/);
    // One line for a month whose every topic is under 3.
    expect(all(h.demand('wes'))).toContain('November 2026\nAll topics: fewer than 3 each');
  });
});

describe('the school export and retention', () => {
  it('the export carries the aggregate and the shared requests, never an unshared request or its words', () => {
    ask(h, 'jordan', 'engagement', 'OCELOT shared words', { share: true });
    const pat = h.core.services.people.resolveActor(identity('pat'), h.clock.now());
    const school = h.core.services.people.schoolByName(pat.tenant.id, 'Demo Elementary')!;
    const exported = buildExport(h.core.registry, h.core.services, pat, school, h.clock.now());
    expect(exported.coachingDemand).toEqual({
      rule: expect.stringContaining('fewer than 3') as string,
      months: [
        // Closed months only: November (the current month) is not there yet.
        {
          month: 'October 2026',
          byTopic: expect.objectContaining({ 'Classroom management': 'fewer than 3', 'Student engagement': 'fewer than 3' }) as Record<string, string>,
        },
        { month: 'September 2026', byTopic: expect.objectContaining({ 'Classroom management': 'fewer than 3' }) as Record<string, string> },
        { month: 'August 2026', byTopic: expect.objectContaining({ Other: 'fewer than 3' }) as Record<string, string> },
      ],
      sharedByTeachers: [{ topic: 'Student engagement', teacher: 'Jordan Kim', status: 'waiting for a coach', sent: '2026-11-19', updated: '2026-11-19' }],
    });
    const json = JSON.stringify(exported);
    expect(json).not.toMatch(/PANGOLIN|OCELOT/);
  });

  it('retention deletes closed requests past the setting; live ones stay', async () => {
    const closed = ask(h, 'jordan', 'other', 'to be withdrawn, OUTBOXTEXT');
    h.coaching('jordan', `withdraw ${closed}`);
    await h.deliver();
    // The delivered DMs hold the request's words in their payloads until retention.
    expect((h.core.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE payload LIKE '%OUTBOXTEXT%'`).get() as { n: number }).n).toBeGreaterThan(0);
    runRetention(h.core.registry, h.core.services, new Date(h.clock.now().getTime() + 401 * 86_400_000), 400);
    const left = (h.core.db.prepare('SELECT id FROM coaching_requests ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    expect(left).toEqual([id]);
    // Retention covers the outbox too: no payload past the window keeps a request's words.
    expect(
      (h.core.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE payload LIKE '%OUTBOXTEXT%' OR payload LIKE '%PANGOLIN%'`).get() as { n: number }).n,
    ).toBe(0);
  });
});

describe('the policy, function by function', () => {
  const school: School = { id: 1, tenantId: 1, name: 'Demo', timeZone: 'UTC', dayStart: '07:30', dayEnd: '15:30' };
  const actor = (userId: number, roles: Role[], tenantId = 1, schoolId = 1): Actor => ({
    user: { id: userId, tenantId, externalId: `u${userId}`, displayName: `U${userId}`, handle: null },
    tenant: { id: tenantId, platform: 'console', externalId: `t${tenantId}`, name: null },
    memberships: roles.map((role) => ({ schoolId, userId, role })),
  });
  const req = (over: Partial<CoachingRequestFacts> = {}): CoachingRequestFacts => ({
    schoolId: 1,
    teacherId: 10,
    shared: false,
    status: 'open',
    coachId: null,
    ...over,
  });

  it('canSeeRequest: own teacher and the school’s coaches; never leaders, admins, other schools or tenants; drafts only the teacher', () => {
    expect(canSeeRequest(actor(10, ['teacher']), school, req()).allowed).toBe(true);
    expect(canSeeRequest(actor(20, ['coach']), school, req()).allowed).toBe(true);
    for (const roles of [['principal'], ['assistant_principal'], ['admin'], ['teacher']] as Role[][]) {
      expect(canSeeRequest(actor(30, roles), school, req({ shared: true })).allowed).toBe(false);
    }
    expect(canSeeRequest(actor(20, ['coach'], 1, 2), school, req()).allowed).toBe(false);
    expect(canSeeRequest(actor(20, ['coach'], 2), school, req()).allowed).toBe(false);
    expect(canSeeRequest(actor(20, ['coach']), school, req({ status: 'draft' })).allowed).toBe(false);
    // A principal who also coaches the school gets the union: the coach's view.
    expect(canSeeRequest(actor(30, ['principal', 'coach']), school, req()).allowed).toBe(true);
  });

  it('canAnswerRequest, canActAsRequester, canRequestCoaching, canSeeCoachingDemand', () => {
    expect(canAnswerRequest(actor(20, ['coach']), school, req()).allowed).toBe(true);
    expect(canAnswerRequest(actor(20, ['coach']), school, req({ coachId: 21 }))).toEqual({
      allowed: false,
      reason: 'Another coach is already working on this request.',
    });
    expect(canAnswerRequest(actor(10, ['coach', 'teacher']), school, req())).toEqual({
      allowed: false,
      reason: 'This is your own request: another coach answers it.',
    });
    expect(canAnswerRequest(actor(30, ['principal']), school, req()).allowed).toBe(false);
    expect(canActAsRequester(actor(10, ['teacher']), school, req()).allowed).toBe(true);
    expect(canActAsRequester(actor(20, ['coach']), school, req()).allowed).toBe(false);
    expect(canRequestCoaching(actor(10, ['teacher']), school).allowed).toBe(true);
    expect(canRequestCoaching(actor(11, []), school).allowed).toBe(true);
    for (const roles of [['principal'], ['assistant_principal'], ['coach'], ['admin']] as Role[][])
      expect(canRequestCoaching(actor(30, roles), school).allowed).toBe(false);
    expect(canSeeCoachingDemand(actor(30, ['principal']), school).allowed).toBe(true);
    expect(canSeeCoachingDemand(actor(30, ['admin']), school).allowed).toBe(true);
    expect(canSeeCoachingDemand(actor(20, ['coach']), school).allowed).toBe(false);
    expect(canSeeCoachingDemand(actor(30, ['principal'], 2), school).allowed).toBe(false);
  });

  it('requestFieldsForLeader and aggregateCount', () => {
    const at = new Date('2026-11-19T15:00:00Z');
    const full = { ...req(), topic: 'engagement', submittedAt: at, updatedAt: at, details: 'never', helpful: 'yes' };
    expect(requestFieldsForLeader(full, 'Jo')).toBeNull();
    expect(requestFieldsForLeader({ ...full, shared: true }, 'Jo')).toEqual({
      topic: 'engagement',
      teacherName: 'Jo',
      status: 'open',
      submittedAt: at,
      updatedAt: at,
    });
    expect(requestFieldsForLeader({ ...full, shared: true, status: 'draft' }, 'Jo')).toBeNull();
    expect([0, 1, 2, 3, 10].map(aggregateCount)).toEqual(['fewer than 3', 'fewer than 3', 'fewer than 3', '3', '10']);
  });
});
