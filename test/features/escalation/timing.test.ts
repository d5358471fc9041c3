/**
 * When a raised escalation's text reaches the principal (with the compiled agenda, not before),
 * what an outcome stores and tells the coach, and the stage labels as time passes.
 */
import { createHarness, inbound, text, type Harness } from '../../support/harness';
import { seedEscalationSchools } from './support';
import { formOf, type Message } from '../../../src/messages/model';
import type { Reply } from '../../../src/core/context';
import { internalMention } from '../../../src/core/app';
import { renderPlainText } from '../../../adapters/console/render-plain-text';

const CONCERN = 'Ms Morgan has not started the new phonics block; students in room 12 are falling behind.';
const RESOLUTION = 'Counselor met student; report filed with the district.';
const headerOf = (m: Message): string => (m.blocks[0]?.type === 'header' ? (m.blocks[0] as { text: string }).text : m.text);
const plain = (r: Reply): string => r.messages.map(renderPlainText).join('\n');
const press = (h: Harness, who: string, r: Reply | Message, label: string): Reply =>
  h.press(who, 'messages' in r ? r.messages[r.messages.length - 1] : r, label);
const until = (h: Harness, iso: string): number => new Date(iso).getTime() - h.clock.now().getTime();

function escalate(h: Harness, fields: Record<string, string> = {}): Reply {
  const form = formOf(h.run('casey', 'escalate').messages[0])!;
  return h.core.app.submitForm(inbound('casey'), form.formId, {
    concern: CONCERN,
    category: 'curriculum',
    about: internalMention(h.user('taylor')),
    urgency: 'wait',
    ...fields,
  }).reply;
}

describe('escalation timing, outcomes and labels', () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-11-18T15:00:00Z') }); // Wed 10:00 New York; touch-point Tue 24 Nov 14:00
    seedEscalationSchools(h);
    await h.deliver();
    h.notifier.clear();
  });
  afterEach(() => h.close());

  it('a raised concern reaches the principal as a count and category until the compiled agenda, then in full', async () => {
    press(h, 'casey', press(h, 'casey', escalate(h), 'Yes, we talked'), 'Raise it — they know');
    const before = plain(h.run('pat', 'escalations'));
    expect(before).not.toContain('phonics');
    expect(before).not.toContain('Taylor');
    expect(before).toContain('Curriculum implementation');
    expect(before).toContain('comes with the compiled agenda');
    // The agenda prompt (Fri 20 Nov 08:00): count and category only.
    const fri = await h.advance(until(h, '2026-11-20T13:30:00Z'));
    const prompt = fri.filter((d) => d.to === 'pat').map((d) => renderPlainText(d.message));
    expect(prompt.join('\n')).toContain('Curriculum implementation');
    expect(prompt.join('\n')).not.toContain('phonics');
    expect(plain(h.run('pat', 'agenda'))).not.toContain('phonics');
    expect(plain(h.run('pat', 'escalations'))).not.toContain('phonics');
    // The coach still reads it all.
    expect(plain(h.run('casey', 'escalations'))).toContain('phonics');
    // The compiled agenda (Tue 24 Nov 13:00): the text and who it concerns, and from then on in the list.
    const tue = await h.advance(until(h, '2026-11-24T18:05:00Z'));
    const compiled = tue.find((d) => d.to === 'pat' && headerOf(d.message).startsWith('Agenda —'))!;
    expect(renderPlainText(compiled.message)).toContain(CONCERN);
    expect(renderPlainText(compiled.message)).toContain('Taylor Morgan');
    const after = plain(h.run('pat', 'escalations'));
    expect(after).toContain(CONCERN);
    expect(after).toContain('Taylor Morgan');
  });

  it('an urgent escalation is read in full at once', () => {
    escalate(h, { category: 'safety', urgency: 'urgent', concern: 'A student disclosed being hurt at home.' });
    expect(plain(h.run('pat', 'escalations'))).toContain('A student disclosed being hurt at home.');
  });

  it('a resolution is stored and told to the coach; labels follow the stage and the meeting', async () => {
    press(h, 'casey', press(h, 'casey', escalate(h), 'Yes, we talked'), 'Raise it — they know');
    expect(plain(h.run('casey', 'escalations'))).toContain('raised for the next touch-point');
    h.clock.set(new Date('2026-11-25T15:00:00Z')); // the day after the touch-point
    const list = h.run('pat', 'escalations');
    expect(plain(list)).not.toContain('raised for the next touch-point');
    expect(plain(list)).toContain('discussed at the touch-point of Tue 24 Nov 2026');
    h.notifier.clear();
    const form = formOf(press(h, 'pat', list, 'Record outcome').messages[0])!;
    const saved = h.core.app.submitForm(inbound('pat'), form.formId, { outcome: 'resolved', plan: RESOLUTION });
    expect(text(saved.reply)).toBe(`Escalation #1 is resolved: ${RESOLUTION}`);
    expect(h.core.db.prepare('SELECT stage, plan_text FROM escalations').get()).toEqual({ stage: 'resolved', plan_text: RESOLUTION });
    const dms = await h.deliver();
    expect(dms.filter((d) => d.to === 'casey' && d.message.text.includes('#1')).map((d) => d.message.text)).toEqual([
      `Pat Rivera recorded: Escalation #1 is resolved: ${RESOLUTION}`,
    ]);
  });

  it('an acknowledged urgent escalation no longer reads "urgent, today"', () => {
    escalate(h, { category: 'safety', urgency: 'urgent', concern: 'A student disclosed being hurt at home.' });
    expect(plain(h.run('pat', 'escalations'))).toContain('urgent, today');
    h.clock.advance(5 * 60_000);
    press(h, 'pat', h.run('pat', 'escalations'), 'Acknowledge');
    const after = plain(h.run('pat', 'escalations'));
    expect(after).not.toContain('urgent, today');
    expect(after).toContain('acknowledged by Pat Rivera');
  });
});
