/**
 * Arbitrary text to every /coaching command, arbitrary payloads to its forms and buttons: each
 * answer is a reply or a clear line, never an exception (answered "Something went wrong").
 */
import fc from 'fast-check';
import { seedSchool } from '../../support/harness';
import type { Reply } from '../../../src/core/context';
import { ask, createCoachingHarness, type CoachingHarness } from './support';

const GENERIC = 'Something went wrong on our side';
const users = ['pat', 'casey', 'taylor', 'stranger'];
const words = [
  'request',
  'status',
  'withdraw',
  'forget-me',
  'queue',
  'hours',
  'clear',
  'engagement',
  'classroom-management',
  'constructor',
  '__proto__',
  'tue',
  'sat',
  '10:00-11:00',
  '25:00-26:00',
  '2pm-1pm',
  ',',
  ';',
  '#1',
  '#0',
  '1',
  '9999999999999999999',
  '-1',
  '\u0000',
  '💥',
  '**',
  '_',
  '"quoted words"',
];
const commandText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.constantFrom(...words), { maxLength: 10 }).map((w) => w.join(' ')),
);

function assertClear(reply: Reply): void {
  expect(reply.messages.length).toBeGreaterThan(0);
  for (const m of reply.messages) {
    expect(m.text.trim().length).toBeGreaterThan(0);
    expect(m.text).not.toContain(GENERIC);
  }
}

describe('fuzzing /coaching', () => {
  let h: CoachingHarness;
  beforeAll(() => {
    h = createCoachingHarness();
    seedSchool(h, {
      name: 'Demo Elementary',
      members: [
        ['pat', 'Pat Rivera', 'principal'],
        ['casey', 'Casey Lee', 'coach'],
        ['taylor', 'Taylor Morgan', 'teacher'],
      ],
    });
    ask(h, 'taylor', 'engagement', 'A first request');
    ask(h, 'taylor', 'other', 'A second request', { share: true });
  });
  afterAll(() => h.close());

  it('any text gets a reply or a clear usage error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...users), commandText, (user, text) => assertClear(h.coaching(user, text))),
      { numRuns: 400 },
    );
  });

  it('any payload to any form or button gets a reply or field errors', () => {
    const value = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom(...words), fc.constant(undefined));
    const keys = ['topic', 'details', 'format', 'slot', 'times', 'share', 'school', 'when', 'date', 'note', 'question', 'text', '__proto__', 'constructor'];
    fc.assert(
      fc.property(
        fc.constantFrom(...users),
        fc.constantFrom('coaching.request', 'coaching.accept', 'coaching.ask', 'coaching.decline', 'coaching.reply'),
        fc.oneof(fc.constant(''), fc.constantFrom(':1', ':2', ':3', ':999', ':-1', ':abc', ':1:2')),
        fc.dictionary(fc.constantFrom(...keys), value),
        (user, formId, param, values) => assertClear(h.submit(user, `${formId}${param}`, values).reply),
      ),
      { numRuns: 500 },
    );
    const actions = [
      'coaching.send',
      'coaching.share',
      'coaching.edit',
      'coaching.discard',
      'coaching.accept',
      'coaching.ask',
      'coaching.decline',
      'coaching.reply',
      'coaching.done',
      'coaching.helpful',
      'coaching.withdraw',
      'coaching.forget.keep',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...users),
        fc.constantFrom(...actions),
        fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('1', '2', '3', '1:on', '2:off', '1:yes', '1:constructor', '__proto__', '')),
        (user, actionId, v) => assertClear(h.action(user, actionId, v)),
      ),
      { numRuns: 500 },
    );
  });
});
