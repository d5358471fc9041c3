/**
 * "Raise it — they know" offers a three-way conversation (coach, teacher, principal): proposed onto
 * the next touch-point's agenda with the escalation, read only by those who may read the
 * escalation and only from when they may, arranged by the principal, withdrawn by the coach.
 * The teacher is never messaged about any of it.
 */
import { createHarness, inbound, text, type Harness } from '../../support/harness';
import { seedEscalationSchools } from './support';
import { buttonsOf, formOf, type Message } from '../../../src/messages/model';
import type { Reply } from '../../../src/core/context';
import { internalMention } from '../../../src/core/app';
import { renderPlainText } from '../../../adapters/console/render-plain-text';

const CONCERN = 'Ms Morgan has not started the new phonics block; students in room 12 are falling behind.';
const PROPOSAL = 'Proposal: arrange a three-way conversation with Taylor Morgan about escalation #1';
const headerOf = (m: Message): string => (m.blocks[0]?.type === 'header' ? (m.blocks[0] as { text: string }).text : m.text);
const plain = (r: Reply): string => r.messages.map(renderPlainText).join('\n');
const last = (r: Reply): Message => r.messages[r.messages.length - 1];
const until = (h: Harness, iso: string): number => new Date(iso).getTime() - h.clock.now().getTime();

function escalate(h: Harness): Reply {
  const form = formOf(h.run('casey', 'escalate').messages[0])!;
  return h.core.app.submitForm(inbound('casey'), form.formId, {
    concern: CONCERN,
    category: 'curriculum',
    about: internalMention(h.user('taylor')),
    urgency: 'wait',
  }).reply;
}
const rowsTo = (h: Harness, handle: string): number =>
  (h.core.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE recipient_id = ?').get(h.user(handle).id) as { n: number }).n;

describe('a three-way conversation', () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-11-18T15:00:00Z') }); // Wed 10:00 New York; touch-point Tue 24 Nov 14:00
    seedEscalationSchools(h);
    await h.deliver();
    h.notifier.clear();
  });
  afterEach(() => h.close());

  it('is offered after "Raise it — they know", goes on the agenda for the principal with the escalation, and is arranged; the teacher gets nothing', async () => {
    const raised = h.press('casey', last(h.press('casey', last(escalate(h)), 'Yes, we talked')), 'Raise it — they know');
    expect(plain(raised)).toContain('Would it help to talk it through together — you, Taylor Morgan and Pat Rivera — rather than about Taylor Morgan?');
    expect(buttonsOf(last(raised)).map((b) => b.label)).toEqual(['Propose a three-way conversation']);
    const proposed = h.press('casey', last(raised), 'Propose a three-way conversation');
    expect(text(proposed)).toBe(
      'Proposed: a three-way conversation with Taylor Morgan about escalation #1 is on the agenda with it, for Pat Rivera to arrange. Pat Rivera reads it with the escalation, not before.\n' +
        'Touchpoint sends Taylor Morgan nothing about it: once it is arranged, invite them yourselves.',
    );
    expect(h.core.db.prepare('SELECT three_way, three_way_by FROM escalations').get()).toEqual({ three_way: 'proposed', three_way_by: h.user('casey').id });
    // The coach's agenda shows it; the principal's shows nothing of it before the compiled agenda.
    const caseyAgenda = h.run('casey', 'agenda');
    expect(plain(caseyAgenda)).toContain(PROPOSAL);
    expect(caseyAgenda.messages.flatMap(buttonsOf).map((b) => b.label)).toContain('Withdraw the proposal');
    expect(plain(h.run('pat', 'agenda'))).not.toContain('three-way');
    expect(plain(h.run('pat', 'escalations'))).not.toContain('three-way');
    expect(plain(h.run('sam', 'escalations'))).not.toContain('three-way');
    expect(plain(h.run('robin', 'escalations'))).not.toContain('three-way');
    // The compiled agenda (Tue 24 Nov 13:00) carries it, with the principal's button.
    const tue = await h.advance(until(h, '2026-11-24T18:05:00Z'));
    const compiled = tue.find((d) => d.to === 'pat' && headerOf(d.message).startsWith('Agenda —'))!;
    expect(renderPlainText(compiled.message)).toContain(PROPOSAL);
    expect(buttonsOf(compiled.message).map((b) => b.label)).toContain('Mark arranged');
    expect(buttonsOf(compiled.message).map((b) => b.label)).not.toContain('Withdraw the proposal');
    // Another coach, a teacher, or the coach cannot mark it arranged.
    expect(text(h.core.app.action(inbound('robin'), 'escalation.three-way-arranged', '1'))).toBe('There is no such escalation you can see.');
    expect(text(h.core.app.action(inbound('taylor'), 'escalation.three-way-arranged', '1'))).toBe('There is no such escalation you can see.');
    expect(text(h.core.app.action(inbound('casey'), 'escalation.three-way-arranged', '1'))).toBe(
      'Only the principal or an assistant principal arranges the three-way conversation.',
    );
    h.notifier.clear();
    const arranged = h.press('pat', compiled.message, 'Mark arranged');
    expect(text(arranged)).toBe(
      'Marked arranged: the three-way conversation with Taylor Morgan about escalation #1. Casey Lee has been told.\n' +
        'Touchpoint sends Taylor Morgan nothing about it: invite them yourselves.',
    );
    expect(text(h.press('pat', compiled.message, 'Mark arranged'))).toBe('That three-way conversation is already arranged.');
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['casey', 'Pat Rivera arranged the three-way conversation with Taylor Morgan about escalation #1.'],
    ]);
    expect(plain(h.run('pat', 'escalations'))).toContain('Three-way conversation with Taylor Morgan about escalation #1: arranged');
    expect(h.core.db.prepare(`SELECT detail FROM audit_log WHERE action = 'escalation.three-way' ORDER BY id`).all()).toEqual([
      { detail: 'proposed' },
      { detail: 'arranged' },
    ]);
    // Not one row of any kind, ever, to the teacher it concerns.
    expect(rowsTo(h, 'taylor')).toBe(0);
    expect(h.notifier.to('taylor')).toEqual([]);
  });

  it('the coach can withdraw it, and propose it again from the escalations list', () => {
    const raised = h.press('casey', last(h.press('casey', last(escalate(h)), 'Yes, we talked')), 'Raise it — they know');
    h.press('casey', last(raised), 'Propose a three-way conversation');
    const list = h.run('casey', 'escalations');
    expect(text(h.press('casey', last(list), 'Withdraw the proposal'))).toBe(
      'The three-way conversation proposed on escalation #1 is withdrawn; it is off the agenda.',
    );
    expect(plain(h.run('casey', 'agenda'))).not.toContain('three-way');
    const again = h.run('casey', 'escalations');
    expect(buttonsOf(last(again)).map((b) => b.label)).toContain('Propose a three-way conversation');
    h.press('casey', last(again), 'Propose a three-way conversation');
    expect(plain(h.run('casey', 'agenda'))).toContain(PROPOSAL);
    expect(rowsTo(h, 'taylor')).toBe(0);
  });

  it('is not offered when the teacher was not told, and cannot be proposed then', () => {
    const raised = h.press('casey', last(h.press('casey', last(escalate(h)), 'Yes, we talked')), 'Raise it — not told');
    expect(buttonsOf(last(raised)).map((b) => b.label)).toEqual([]);
    expect(text(h.core.app.action(inbound('casey'), 'escalation.three-way', '1'))).toBe(
      'Propose a three-way conversation once the teacher knows the concern will be discussed with the principal (you raised #1 without telling them).',
    );
    expect(text(h.core.app.action(inbound('pat'), 'escalation.three-way', '1'))).toBe('There is no such escalation you can see.');
  });
});
