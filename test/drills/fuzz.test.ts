/**
 * Fuzzing the edge: arbitrary text to every command, arbitrary payloads to every form and button.
 * Each answer must be a command's reply or a clear one-line error — never an exception (which the
 * core answers with "Something went wrong" and logs as an error).
 */
import fc from 'fast-check';
import { buildCore } from '../../src/compose';
import { SettableClock, type Logger } from '../../src/core/ports';
import { createHarness, seedDemoSchool, bookAccepted, inbound, type Harness } from '../support/harness';
import type { Reply } from '../../src/core/context';

const GENERIC = 'Something went wrong on our side';

function errorLog(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  return { errors, logger: { info() {}, warn() {}, debug() {}, error: (obj) => errors.push(JSON.stringify(obj)) } };
}

function assertClear(reply: Reply): void {
  expect(reply.messages.length).toBeGreaterThan(0);
  for (const m of reply.messages) {
    expect(m.text.trim().length).toBeGreaterThan(0);
    expect(m.text).not.toContain(GENERIC);
  }
}

const users = ['pat', 'casey', 'taylor', 'stranger'];
const words = [
  'book',
  'next',
  'skip',
  'move',
  'pause',
  'until',
  'resume',
  'cancel',
  'closed',
  'setup',
  'coach',
  'add',
  'remove',
  'agenda',
  'edit',
  'priorities',
  'set',
  'clear',
  'notes',
  'report',
  'settings',
  'mute',
  'escalate',
  'escalations',
  'export',
  'help',
  'weekly',
  'biweekly',
  'tue',
  'fri',
  'tomorrow',
  'today',
  '14:00',
  '2pm',
  '25:99',
  'for',
  '45m',
  '0m',
  'from',
  '2026-02-30',
  '2026-12-01',
  '..',
  '2026-12-01..2026-11-01',
  '@casey',
  '@pat',
  '<@U123>',
  '<@tp:1>',
  '<@tp:999999>',
  '#1',
  '#0',
  '#-5',
  'with',
  '"quoted name"',
  '\u0000',
  '💥',
  '**',
  '_',
  '[x](javascript:alert(1))',
  'America/New_York',
  'Mars/Olympus',
  '1',
  '4',
  '-1',
  '9999999999999999999',
  'prompt-days',
  'agenda-lead',
  'reflect-days',
  'urgent-ack',
];
const commandText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom(...words), { maxLength: 10 }).map((w) => w.join(' ')),
  fc.tuple(fc.constantFrom(...words), fc.string({ maxLength: 40 }), fc.constantFrom(...words)).map((t) => t.join(' ')),
);

describe('fuzzing the command language and the forms', () => {
  let h: Harness;
  let errors: string[];
  beforeAll(() => {
    const log = errorLog();
    errors = log.errors;
    h = createHarness({ start: new Date('2026-11-18T15:00:00Z'), logger: log.logger });
    seedDemoSchool(h);
    bookAccepted(h);
    h.run('pat', 'add wins A first item');
  });
  afterAll(() => h.close());

  it('any text after /touchpoint or /coaching gets a reply or a clear usage error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...users), fc.constantFrom('touchpoint' as const, 'coaching' as const), commandText, (user, root, text) => {
        assertClear(h.core.app.command(inbound(user), root, text));
      }),
      { numRuns: 600 },
    );
    expect(errors).toEqual([]);
  });

  it('any payload to any form gets a reply or field errors, never an exception', () => {
    const registry = h.core.registry;
    const commandForms = registry
      .list()
      .filter((c) => c.form !== undefined)
      .map((c) => `${c.root}.${c.name}`);
    const formIds = [
      ...commandForms,
      'agenda.edit',
      'agenda.notes',
      'agenda.next-step',
      'agenda.reschedule',
      'escalation.outcome',
      'coaching.session.suggest',
      'nonsense.form',
    ];
    const value = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom(...words), fc.constant(undefined));
    const keys = [
      'person',
      'cadence',
      'weekday',
      'time',
      'duration',
      'from',
      'name',
      'timeZone',
      'dayStart',
      'dayEnd',
      'date',
      'start',
      'end',
      'label',
      'section',
      'text',
      'decision',
      'owner',
      'due',
      'item_1',
      'outcome',
      'plan',
      'followUp',
      'concern',
      'category',
      'about',
      'urgency',
      '__proto__',
      'constructor',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...users),
        fc.constantFrom(...formIds),
        fc.oneof(fc.constant(''), fc.constantFrom(':1', ':2', ':999', ':-1', ':abc', ':1:2')),
        fc.dictionary(fc.constantFrom(...keys), value),
        (user, formId, param, values) => {
          const out = h.core.app.submitForm(inbound(user), `${formId}${param}`, values);
          assertClear(out.reply);
          for (const [field, reason] of Object.entries(out.fieldErrors ?? {})) {
            expect(typeof field).toBe('string');
            expect(reason.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 800 },
    );
    expect(errors).toEqual([]);
  });

  it('any button id and value gets a reply or a clear refusal', () => {
    const actionIds = [
      'booking.accept',
      'booking.decline',
      'booking.unskip',
      'booking.cancel.confirm',
      'booking.cancel.keep',
      'booking.closure.undo',
      'agenda.add',
      'agenda.pass',
      'agenda.item.edit',
      'agenda.item.remove',
      'meeting.held',
      'meeting.missed',
      'meeting.rescheduled',
      'meeting.next-step',
      'agreement.confirm',
      'action.done',
      'escalation.shared',
      'escalation.raise',
      'escalation.raise-ask',
      'escalation.reflect',
      'escalation.worked-out',
      'escalation.not-yet',
      'escalation.withdraw',
      'escalation.ack',
      'escalation.outcome',
      'escalation.three-way',
      'escalation.three-way-arranged',
      'escalation.three-way-withdraw',
      'coaching.session.confirm',
      'coaching.session.suggest',
      'command.rerun',
      'no.such.action',
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.constantFrom('1', '2', '1:yes', '1:no', '1:told', '0', '-1', '1e9', '{"root":"touchpoint","text":"next"}', '{"root":"x"}', 'null'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...users), fc.constantFrom(...actionIds), value, (user, actionId, v) => {
        assertClear(h.core.app.action(inbound(user), actionId, v));
      }),
      { numRuns: 800 },
    );
    expect(errors).toEqual([]);
  });
});

describe('a fresh workspace', () => {
  it('survives arbitrary first commands by unknown users in unknown tenants', () => {
    const clock = new SettableClock(new Date('2026-11-18T15:00:00Z'));
    const errors: string[] = [];
    const core = buildCore({
      databasePath: ':memory:',
      clock,
      deliverImmediately: false,
      logger: { info() {}, warn() {}, debug() {}, error: (o) => errors.push(JSON.stringify(o)) },
    });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ minLength: 1, maxLength: 12 }), commandText, (tenant, user, text) => {
        const reply = core.app.command({ identity: { platform: 'slack', tenantExternalId: tenant, userExternalId: user } }, 'touchpoint', text);
        assertClear(reply);
      }),
      { numRuns: 300 },
    );
    expect(errors).toEqual([]);
    core.close();
  });
});
