/**
 * The pathway's transition table, walked through the real handlers: for every state × event an
 * escalation is brought to that state through the buttons and forms people use, the event is
 * fired by someone its rule lets fire it, and the outcome is compared with the table: refused
 * with the table's reason and nothing changed, or moved to the table's target stage, writing,
 * auditing and planning only what the table declares. Then who may fire each event.
 */
import { createHarness, inbound, text, type Harness } from '../../support/harness';
import { seedEscalationSchools } from './support';
import { formOf } from '../../../src/messages/model';
import type { Reply } from '../../../src/core/context';
import { internalMention } from '../../../src/core/app';
import type { Escalation } from '../../../src/core/ports';
import {
  PATHWAY_EVENTS,
  PATHWAY_STATES,
  refusalOf,
  targetOf,
  transition,
  type PathwayEvent,
  type PathwayRule,
  type PathwayState,
} from '../../../src/features/escalation/pathway';

/** Who fires what in these tests; `other` is the principal of another tenant. */
type Who = 'pat' | 'sam' | 'casey' | 'robin' | 'taylor' | 'jordan' | 'alex' | 'other';
const EVERYONE: Who[] = ['pat', 'sam', 'casey', 'robin', 'taylor', 'jordan', 'alex', 'other'];
const NO_SUCH = 'There is no such escalation you can see.';
const NOT_THERE = 999_999;

let h: Harness;
let concerns = 0;

const inboundOf = (who: Who) => (who === 'other' ? inbound('pat', 'other') : inbound(who));
const act = (who: Who, actionId: string, value: string): Reply => h.core.app.action(inboundOf(who), actionId, value);
const submitOutcome = (who: Who, id: number, values: Record<string, string>): Reply =>
  h.core.app.submitForm(inboundOf(who), `escalation.outcome:${id}`, values).reply;
const escalation = (id: number): Escalation | undefined => h.core.services.escalations.byId(h.user('casey').tenantId, id);
const newestId = (): number => (h.core.db.prepare('SELECT MAX(id) AS id FROM escalations').get() as { id: number }).id;

function create(who: Who, urgent: boolean): Reply {
  const opened = h.core.app.command(inboundOf(who), 'touchpoint', 'escalate');
  const form = formOf(opened.messages[0]);
  if (!form) return opened;
  concerns += 1;
  return h.core.app.submitForm(inboundOf(who), form.formId, {
    concern: `Concern ${concerns}`,
    category: urgent ? 'safety' : 'curriculum',
    about: internalMention(h.user('taylor')),
    urgency: urgent ? 'urgent' : 'wait',
  }).reply;
}

/** Fires an event as a person, the way the buttons and forms do; `id` is ignored by the creation events. */
const FIRE: Record<PathwayEvent, (who: Who, id: number) => Reply> = {
  create: (who) => create(who, false),
  'create.urgent': (who) => create(who, true),
  'shared.yes': (who, id) => act(who, 'escalation.shared', `${id}:yes`),
  'shared.no': (who, id) => act(who, 'escalation.shared', `${id}:no`),
  'raise.ask': (who, id) => act(who, 'escalation.raise-ask', String(id)),
  reflect: (who, id) => act(who, 'escalation.reflect', String(id)),
  'not-yet': (who, id) => act(who, 'escalation.not-yet', String(id)),
  raise: (who, id) => act(who, 'escalation.raise', `${id}:told`),
  'worked-out': (who, id) => act(who, 'escalation.worked-out', String(id)),
  withdraw: (who, id) => act(who, 'escalation.withdraw', String(id)),
  acknowledge: (who, id) => act(who, 'escalation.ack', String(id)),
  'outcome.open': (who, id) => act(who, 'escalation.outcome', String(id)),
  // A different follow-up date from the one the `plan` state was set up with, so a new reminder is planned.
  'outcome.plan': (who, id) =>
    submitOutcome(who, id, { outcome: 'plan', plan: 'Co-plan the block', owner: internalMention(h.user('casey')), followUp: '2026-12-01' }),
  'outcome.resolved': (who, id) => submitOutcome(who, id, { outcome: 'resolved' }),
  'outcome.withdrawn': (who, id) => submitOutcome(who, id, { outcome: 'withdrawn' }),
};

/** What each event answers when it goes through (the start of the reply). */
const SUCCESS: Record<PathwayEvent, string> = {
  create: 'Have you shared your concern with the teacher',
  'create.urgent': 'Sent now to Pat Rivera as urgent.',
  'shared.yes': 'Raising it puts it on your next touch-point with Pat Rivera',
  'shared.no': 'The pathway: Go back to the teacher',
  'raise.ask': 'Raising it puts it on your next touch-point with Pat Rivera',
  reflect: 'The pathway: Go back to the teacher',
  'not-yet': 'Fine. You will be asked again on',
  raise: 'Raised. It is on the agenda of your touch-point with Pat Rivera',
  'worked-out': 'Good to hear you worked it out.',
  withdraw: 'Escalation #',
  acknowledge: 'Acknowledged at',
  'outcome.open': 'Outcome of escalation #',
  'outcome.plan': 'Plan agreed for escalation #',
  'outcome.resolved': 'Escalation #',
  'outcome.withdrawn': 'Escalation #',
};

/** Who each rule lets fire an event (the raising coach is casey; robin is another coach). */
const MAY_FIRE: Record<PathwayRule, Who[]> = {
  'escalation.raise': ['casey', 'robin'],
  'escalation.steer': ['casey'],
  'escalation.acknowledge': ['pat', 'sam'],
  'escalation.outcome': ['pat', 'sam', 'casey'],
};
/** The one who fires an event in the state walk: someone the rule allows and who can see the escalation in every state. */
const FIRER: Record<PathwayRule, Who> = {
  'escalation.raise': 'casey',
  'escalation.steer': 'casey',
  'escalation.acknowledge': 'pat',
  'escalation.outcome': 'casey',
};

function raised(): number {
  const id = (create('casey', false), newestId());
  act('casey', 'escalation.shared', `${id}:yes`);
  act('casey', 'escalation.raise', `${id}:told`);
  return id;
}
function followedBy(id: number, fire: () => Reply): number {
  fire();
  return id;
}

/** The states, each reached through the handlers; resolved and withdrawn both before and after it was raised. */
const STATES: [label: string, state: PathwayState, raisedFirst: boolean, setUp: () => number][] = [
  ['new (no escalation yet)', 'new', false, () => NOT_THERE],
  ['reflecting', 'reflecting', false, () => (create('casey', false), newestId())],
  ['raised', 'raised', true, raised],
  ['urgent', 'urgent', true, () => (create('casey', true), newestId())],
  [
    'plan',
    'plan',
    true,
    () => {
      const id = raised();
      return followedBy(id, () =>
        submitOutcome('pat', id, { outcome: 'plan', plan: 'Observe and debrief', owner: internalMention(h.user('pat')), followUp: '2026-11-30' }),
      );
    },
  ],
  [
    'resolved at the touch-point',
    'resolved',
    true,
    () => {
      const id = raised();
      return followedBy(id, () => submitOutcome('pat', id, { outcome: 'resolved' }));
    },
  ],
  [
    'resolved before it was raised',
    'resolved',
    false,
    () => {
      const id = (create('casey', false), newestId());
      return followedBy(id, () => act('casey', 'escalation.worked-out', String(id)));
    },
  ],
  [
    'withdrawn after it was raised',
    'withdrawn',
    true,
    () => {
      const id = raised();
      return followedBy(id, () => act('casey', 'escalation.withdraw', String(id)));
    },
  ],
  [
    'withdrawn before it was raised',
    'withdrawn',
    false,
    () => {
      const id = (create('casey', false), newestId());
      return followedBy(id, () => act('casey', 'escalation.withdraw', String(id)));
    },
  ],
];

const pendingKeys = (id: number): Map<string, string> =>
  new Map(
    (
      h.core.db.prepare(`SELECT dedupe_key AS k, kind FROM outbox WHERE status = 'pending' AND dedupe_key LIKE ?`).all(`esc:${id}:%`) as {
        k: string;
        kind: string;
      }[]
    ).map((r) => [r.k, r.kind]),
  );
const audits = (id: number): string[] =>
  (
    h.core.db
      .prepare(
        `SELECT action || ':' || COALESCE(detail, '') AS a FROM audit_log WHERE subject_type = 'escalation' AND subject_id = ? AND action <> 'escalation.view' ORDER BY id`,
      )
      .all(id) as { a: string }[]
  ).map((r) => r.a);

beforeAll(() => {
  // Tue 24 Nov 2026 13:00 New York: the compiled agenda of the 14:00 touch-point, so a concern raised now reaches the principals at once.
  h = createHarness({ start: new Date('2026-11-24T18:00:00Z') });
  seedEscalationSchools(h);
});
afterAll(() => h.close());

describe('the table', () => {
  // The pathway of DESIGN.md §1 rule 5, written out: a change to the table has to change this too.
  const ALLOWED_FROM: Record<PathwayEvent, PathwayState[]> = {
    create: ['new'],
    'create.urgent': ['new'],
    'shared.yes': ['reflecting'],
    'shared.no': ['reflecting'],
    'raise.ask': ['reflecting'],
    reflect: ['reflecting'],
    'not-yet': ['reflecting'],
    raise: ['reflecting'],
    'worked-out': ['reflecting'],
    withdraw: ['reflecting', 'raised', 'urgent', 'plan'],
    acknowledge: ['raised', 'urgent', 'plan', 'resolved', 'withdrawn'],
    'outcome.open': ['raised', 'urgent', 'plan', 'resolved', 'withdrawn'],
    'outcome.plan': ['raised', 'urgent', 'plan'],
    'outcome.resolved': ['raised', 'urgent', 'plan'],
    'outcome.withdrawn': ['raised', 'urgent', 'plan'],
  };
  it.each(PATHWAY_EVENTS)('%s is allowed from the stages the pathway says', (event) => {
    expect(PATHWAY_STATES.filter((s) => transition(event).from.includes(s))).toEqual(ALLOWED_FROM[event]);
  });
});

describe('every state × event, fired by someone the rule allows', () => {
  const cells = STATES.flatMap(([label, state, raisedFirst, setUp]) =>
    PATHWAY_EVENTS
      // Creating is the step out of `new` only: it never acts on an existing escalation.
      .filter((event) => state === 'new' || !transition(event).from.includes('new'))
      .map((event) => [label, event, state, raisedFirst, setUp] as const),
  );

  it('covers every state and event', () => {
    expect(new Set(cells.map((c) => c[2]))).toEqual(new Set(PATHWAY_STATES));
    expect(new Set(cells.map((c) => c[1]))).toEqual(new Set(PATHWAY_EVENTS));
    expect(cells).toHaveLength(119);
  });

  it.each(cells)('%s × %s', (_label, event, state, raisedFirst, setUp) => {
    const step = transition(event);
    const id = setUp();
    const before = escalation(id);
    // The state was reached through the handlers.
    expect(state === 'new' ? before : [before?.stage, before?.raisedAt !== null]).toEqual(state === 'new' ? undefined : [state, raisedFirst]);
    const creating = step.from.includes('new');
    const [pendingBefore, auditsBefore] = [pendingKeys(id), audits(id)];
    const out = text(FIRE[event](FIRER[step.rule], id));
    const refusal = refusalOf(event, before);
    if (refusal !== undefined) {
      expect(out).toBe(refusal);
      expect(escalation(id)).toEqual(before);
      expect([...pendingKeys(id)]).toEqual([...pendingBefore]);
      expect(audits(id)).toEqual(auditsBefore);
      return;
    }
    expect(out.startsWith(SUCCESS[event])).toBe(true);
    const subject = creating ? newestId() : id;
    const after = escalation(subject)!;
    expect(after.stage).toBe(creating ? step.to : targetOf(event, before!.stage));
    if (before) {
      const changed = (Object.keys(after) as (keyof Escalation)[]).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
      expect(changed.filter((k) => k !== 'stage' && !(step.writes as readonly string[]).includes(k))).toEqual([]);
    }
    expect(audits(subject).slice(creating ? 0 : auditsBefore.length)).toEqual(step.audit ? [`${step.audit.action}:${step.audit.detail ?? ''}`] : []);
    const pendingAfter = pendingKeys(subject);
    const added = [...pendingAfter].filter(([k]) => !pendingBefore.has(k)).map(([, kind]) => kind);
    expect(new Set(added.filter((k) => k !== step.notifies))).toEqual(new Set(step.schedules ?? []));
    if (step.notifies) expect(added).toContain(step.notifies);
    if (step.cancels === 'all') expect([...pendingAfter.values()].filter((k) => k !== step.notifies)).toEqual([]);
    else if (step.cancels && !step.schedules?.some((k) => k === step.cancels)) expect([...pendingAfter.values()]).not.toContain(step.cancels);
  });
});

describe('who may fire each event', () => {
  /** A state each event is allowed from, to fire it in. */
  const READY: Record<PathwayEvent, () => number> = {
    create: () => NOT_THERE,
    'create.urgent': () => NOT_THERE,
    'shared.yes': STATES[1][3],
    'shared.no': STATES[1][3],
    'raise.ask': STATES[1][3],
    reflect: STATES[1][3],
    'not-yet': STATES[1][3],
    raise: STATES[1][3],
    'worked-out': STATES[1][3],
    withdraw: STATES[2][3],
    acknowledge: STATES[3][3],
    'outcome.open': STATES[2][3],
    'outcome.plan': STATES[2][3],
    'outcome.resolved': STATES[2][3],
    'outcome.withdrawn': STATES[2][3],
  };
  /** What the others are told: the same as for an escalation that does not exist, unless they may see it. */
  const REFUSAL: Partial<Record<PathwayRule, Partial<Record<Who, string>>>> = {
    'escalation.raise': Object.fromEntries(
      EVERYONE.map((w) => [w, 'Only coaches raise escalations; a principal can add a concern to the agenda with /touchpoint add.']),
    ),
    'escalation.acknowledge': { casey: 'Only the principal or an assistant principal acknowledges an urgent escalation.' },
  };
  const cases = PATHWAY_EVENTS.flatMap((event) => EVERYONE.map((who) => [event, who] as const));

  it.each(cases)('%s by %s', (event, who) => {
    const rule = transition(event).rule;
    const id = READY[event]();
    const before = escalation(id);
    expect(refusalOf(event, before)).toBeUndefined();
    const count = newestId();
    const out = text(FIRE[event](who, id));
    if (MAY_FIRE[rule].includes(who)) {
      expect(out.startsWith(SUCCESS[event])).toBe(true);
      return;
    }
    expect(out).toBe(REFUSAL[rule]?.[who] ?? NO_SUCH);
    expect(escalation(id)).toEqual(before);
    expect(newestId()).toBe(count);
  });
});

describe('acknowledging twice', () => {
  it('says who acknowledged it and when, and changes nothing', () => {
    const id = (create('casey', true), newestId());
    expect(text(act('pat', 'escalation.ack', String(id)))).toBe(
      'Acknowledged at Tue 24 Nov 2026, 13:00 EST. Record the outcome when there is one: /touchpoint escalations.',
    );
    const before = [escalation(id), audits(id)];
    expect(text(act('sam', 'escalation.ack', String(id)))).toBe('Already acknowledged by Pat Rivera at Tue 24 Nov 2026, 13:00 EST.');
    expect([escalation(id), audits(id)]).toEqual(before);
  });
});
