/**
 * "Did it happen?" → Rescheduled: the time typed for where the touch-point went is read as every
 * meeting time is, inside the school day (2:30 is 14:30 at a 07:30–15:30 school).
 */
import { bookAccepted, createHarness, seedDemoSchool, text, type Harness } from '../../support/harness';
import { formOf } from '../../../src/messages/model';

let h: Harness;
afterEach(() => h.close());

it('a time without am/pm typed into the Rescheduled form is read inside the school day', async () => {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 08:00 New York
  seedDemoSchool(h);
  bookAccepted(h); // weekly on Tuesdays, 14:00–14:30
  const sent = await h.advance(32 * 3_600_000); // past Tue 24 Nov 14:30: "Did it happen?"
  const question = sent.find((d) => d.to === 'pat' && d.message.blocks.some((b) => b.type === 'header' && b.text === 'Did it happen?'));
  expect(question).toBeDefined();
  const form = formOf(h.press('pat', question!.message, 'Rescheduled').messages[0])!;
  const reply = h.core.app.submitForm({ identity: { platform: 'console', tenantExternalId: 'local', userExternalId: 'pat', handle: 'pat' } }, form.formId, {
    date: '2026-11-26',
    time: '2:30',
  });
  expect(text(reply.reply)).toContain('14:30');
  expect(text(reply.reply)).not.toContain('02:30');
});
