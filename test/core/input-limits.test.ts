/** Oversized input gets one line with the limit, never "something went wrong"; form inputs carry their maximum. */
import { createHarness, inbound, seedDemoSchool, text, type Harness } from '../support/harness';
import { formOf } from '../../src/messages/model';
import { renderModal } from '../../adapters/slack/render-modals';

let h: Harness;
beforeEach(() => {
  h = createHarness();
  seedDemoSchool(h);
});
afterEach(() => h.close());

it('a 100 KB name in a command is answered in one line, and nothing changes', () => {
  const huge = 'x'.repeat(100_000);
  expect(text(h.run('pat', `coach add ${huge}`))).toBe(
    'That is too long (100010 characters; a command takes at most 4000).\nUsage: /touchpoint help lists every command',
  );
  expect(text(h.run('pat', `book ${'y'.repeat(3000)} weekly tue 14:00`))).toMatch(/^I don't know anyone called/);
  expect(h.core.services.people.pendingInvitations(h.user('pat').tenantId, 1)).toEqual([]);
});

it('an oversized form value is refused beside its field; the platform inputs carry their maximum', () => {
  const form = formOf(h.run('casey', 'escalate').messages[0])!;
  const out = h.core.app.submitForm(inbound('casey'), form.formId, { concern: 'z'.repeat(5000), category: 'other', about: 'none', urgency: 'wait' });
  expect(out.fieldErrors).toEqual({ concern: 'at most 4000 characters, please' });
  const modal = renderModal(h.run('casey', 'escalate').messages[0]);
  const concern = modal.blocks.find((b) => b.block_id === 'concern') as { element: { max_length?: number } };
  expect(concern.element.max_length).toBe(3000);
  // Under the cap but over the field's own limit: the field's line.
  const second = formOf(h.run('casey', 'escalate').messages[0])!;
  expect(
    h.core.app.submitForm(inbound('casey'), second.formId, { concern: 'z'.repeat(2500), category: 'other', about: 'none', urgency: 'wait' }).fieldErrors,
  ).toEqual({
    concern: 'the concern must be at most 2000 characters',
  });
});
