/**
 * `/coaching queue` shows where each accepted request's session time stands: proposed by the coach
 * and waiting for the teacher, or suggested by the teacher and waiting for the coach; confirmed.
 */
import { seedSchool, text } from '../../support/harness';
import type { Message } from '../../../src/messages/model';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import { ask, createCoachingHarness, dmsTo, formIn, type CoachingHarness } from './support';

let h: CoachingHarness;
let id: number;
const queue = (handle: string): string => {
  const r = h.coaching(handle, 'queue');
  return `${text(r)}\n${r.messages.map(renderPlainText).join('\n')}`;
};

beforeEach(() => {
  h = createCoachingHarness(); // Thu 19 Nov 2026, 10:00 New York
  seedSchool(h, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
    ],
  });
  id = ask(h, 'taylor', 'classroom-management', 'Transitions after lunch take 15 minutes');
});
afterEach(() => h.close());

async function caseyProposes(): Promise<Message> {
  const toCasey = dmsTo(await h.deliver(), 'casey')[0].message;
  const form = formIn(h.press('casey', toCasey, 'Accept and propose a time'));
  h.submit('casey', form.formId, { date: '2026-11-24', time: '10:00' });
  return dmsTo(await h.deliver(), 'taylor')[0].message;
}

it('a time the coach proposed shows as waiting for the teacher, in the blocks and the fallback text', async () => {
  await caseyProposes();
  const shown = queue('casey');
  expect(shown).toContain(`#${id}`);
  expect(shown).toMatch(
    /proposed Tue 24 Nov 2026, 10:00–10:30 EST, waiting for the teacher[^\n]*\n(.|\n)*proposed Tue 24 Nov 2026, 10:00–10:30 EST, waiting for the teacher/,
  );
});

it('a time the teacher suggested shows as waiting for you; a confirmed one as confirmed', async () => {
  const toTaylor = await caseyProposes();
  const form = formIn(h.press('taylor', toTaylor, 'Suggest another time'));
  h.submit('taylor', form.formId, { date: '2026-11-25', time: '14:30' });
  expect(queue('casey')).toContain('Taylor Morgan suggested Wed 25 Nov 2026, 14:30–15:00 EST, waiting for you');
  const toCasey = dmsTo(await h.deliver(), 'casey').find((d) => d.message.text.includes('suggest'))!.message;
  h.press('casey', toCasey, 'Confirm');
  const after = queue('casey');
  expect(after).toContain('session confirmed: Wed 25 Nov 2026, 14:30–15:00 EST');
  expect(after).not.toContain('waiting for');
});
