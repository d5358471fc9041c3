/**
 * A raised escalation's text reaches the principal with the compiled agenda of the touch-point it
 * was raised for; when that touch-point moves, is skipped or the series ends, the reading time
 * follows (or stays where the coach was told, and the coach hears why).
 */
import { createHarness, inbound, type Harness } from '../../support/harness';
import { seedEscalationSchools } from './support';
import { formOf, type Message } from '../../../src/messages/model';
import type { Reply } from '../../../src/core/context';
import { internalMention } from '../../../src/core/app';
import { renderPlainText } from '../../../adapters/console/render-plain-text';

const CONCERN = 'Ms Morgan has not started the new phonics block; students in room 12 are falling behind.';
const plain = (r: Reply): string => r.messages.map(renderPlainText).join('\n');
const press = (h: Harness, who: string, r: Reply | Message, label: string): Reply =>
  h.press(who, 'messages' in r ? r.messages[r.messages.length - 1] : r, label);
const until = (h: Harness, iso: string): number => new Date(iso).getTime() - h.clock.now().getTime();
const visibleFrom = (h: Harness): string => (h.core.db.prepare('SELECT visible_from AS v FROM escalations').get() as { v: string }).v;

function raiseOne(h: Harness): void {
  const form = formOf(h.run('casey', 'escalate').messages[0])!;
  const asked = h.core.app.submitForm(inbound('casey'), form.formId, {
    concern: CONCERN,
    category: 'curriculum',
    about: internalMention(h.user('taylor')),
    urgency: 'wait',
  }).reply;
  press(h, 'casey', press(h, 'casey', asked, 'Yes, we talked'), 'Raise it — they know');
}

describe('the reading time follows the touch-point', () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-11-18T15:00:00Z') }); // Wed 10:00 New York; touch-point Tue 24 Nov 14:00
    seedEscalationSchools(h);
    await h.deliver();
    h.notifier.clear();
    raiseOne(h);
    await h.deliver();
    h.notifier.clear();
  });
  afterEach(() => h.close());

  it('a touch-point moved later: not readable at the old agenda time, readable with the new one; the coach is told', async () => {
    expect(visibleFrom(h)).toBe('2026-11-24T18:00:00.000Z'); // Tue 13:00, the compiled agenda
    press(h, 'pat', h.run('pat', 'move 2026-11-25 14:00'), 'Confirm');
    expect(visibleFrom(h)).toBe('2026-11-25T18:00:00.000Z');
    const told = (await h.deliver()).filter((d) => d.to === 'casey').map((d) => d.message.text);
    expect(told).toContain(
      'Your touch-point with Pat Rivera changed: escalation #1 now goes on the agenda of Wed 25 Nov 2026, 14:00–14:30 EST. Pat Rivera reads it with that agenda, not before.',
    );
    // Tue 24 Nov 14:00, when the old touch-point would have been: still only the category.
    h.clock.set(new Date('2026-11-24T19:00:00Z'));
    expect(plain(h.run('pat', 'escalations'))).not.toContain('phonics');
    // The moved touch-point's compiled agenda carries it.
    const wed = await h.advance(until(h, '2026-11-25T18:05:00Z'));
    const agenda = wed.filter((d) => d.to === 'pat').map((d) => renderPlainText(d.message));
    expect(agenda.join('\n')).toContain(CONCERN);
    expect(plain(h.run('pat', 'escalations'))).toContain(CONCERN);
  });

  it('a touch-point moved earlier: readable with the earlier agenda, not a week late', () => {
    press(h, 'pat', h.run('pat', 'move 2026-11-23 14:00'), 'Confirm');
    expect(visibleFrom(h)).toBe('2026-11-23T18:00:00.000Z');
  });

  it('the series rescheduled onto another weekday: it goes with the first touch-point on the new slot, once it is accepted', async () => {
    h.press('pat', h.run('pat', 'reschedule wed 10:00 from 2026-11-23').messages[0], 'Confirm');
    expect(visibleFrom(h)).toBe('2026-11-24T18:00:00.000Z'); // until Casey accepts, the old slot stands
    const proposal = (await h.deliver()).find((d) => d.to === 'casey' && d.message.text.includes('proposes to change'))!;
    h.press('casey', proposal.message, 'Accept');
    expect(visibleFrom(h)).toBe('2026-11-25T14:00:00.000Z'); // Wed 25 Nov 09:00, an hour before it
  });

  it('a skipped touch-point: it goes with the next one', async () => {
    h.run('pat', 'skip away at a district meeting');
    expect(visibleFrom(h)).toBe('2026-12-01T18:00:00.000Z');
    h.clock.set(new Date('2026-11-24T19:00:00Z'));
    expect(plain(h.run('pat', 'escalations'))).not.toContain('phonics');
    const told = (await h.deliver()).filter((d) => d.to === 'casey').map((d) => d.message.text);
    expect(told.some((t) => t.includes('escalation #1 now goes on the agenda of Tue 1 Dec 2026'))).toBe(true);
  });

  it('the series cancelled: it stays readable from when the coach was told, and the coach is told so, once', async () => {
    const ask = h.run('pat', 'cancel');
    press(h, 'pat', ask, 'End the series');
    expect(visibleFrom(h)).toBe('2026-11-24T18:00:00.000Z');
    h.run('casey', 'escalations');
    const told = (await h.deliver()).filter((d) => d.to === 'casey' && d.message.text.includes('escalation #1'));
    expect(told.map((d) => d.message.text.split('\n'))).toEqual([
      [
        'You have no touch-point with Pat Rivera coming up now, so escalation #1 is on no agenda. Pat Rivera reads it in their escalations list from Tue 24 Nov 2026, 13:00 EST, as you were told — not before.',
        'Book a touch-point to discuss it (/touchpoint book), or withdraw it (/touchpoint escalations).',
      ],
    ]);
    h.clock.set(new Date('2026-11-24T18:30:00Z'));
    expect(plain(h.run('pat', 'escalations'))).toContain(CONCERN);
  });
});

describe('the stage label after the series ends', () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-11-18T15:00:00Z') }); // Wed 10:00 New York; touch-point Tue 24 Nov 14:00
    seedEscalationSchools(h);
    await h.deliver();
    raiseOne(h);
    await h.deliver();
    press(h, 'pat', h.run('pat', 'cancel'), 'End the series');
    await h.deliver();
  });
  afterEach(() => h.close());

  it('before its reading time: no touch-point planned, readable from the time the coach was told', () => {
    const shown = plain(h.run('casey', 'escalations'));
    expect(shown).not.toContain('raised for the next touch-point');
    expect(shown).toContain('raised; no touch-point planned — the principal can read it from Tue 24 Nov 2026, 13:00 EST');
  });

  it('after it: not "discussed" at a touch-point that never took place, but readable since then', () => {
    h.clock.set(new Date('2026-11-26T15:00:00Z')); // Thu 26 Nov
    for (const who of ['casey', 'pat']) {
      const shown = plain(h.run(who, 'escalations'));
      expect(shown).not.toContain('discussed at the touch-point');
      expect(shown).not.toContain('raised for the next touch-point');
      expect(shown).toContain('raised; no touch-point planned — the principal can read it since Tue 24 Nov 2026, 13:00 EST');
    }
  });
});
