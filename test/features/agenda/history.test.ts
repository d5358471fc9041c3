/**
 * `/touchpoint history [n]`: past touch-points newest first — held, missed or skipped (with the
 * reason), items discussed, next steps, shared notes, and the reader's own private notes marked as
 * theirs; the "Last touch-point" section of App Home; the past meeting's calendar event with its
 * shared notes and next steps (never a private note); names in notes by reference, scrubbed by
 * forget-me; notes deleted with the retention window.
 */
import { buildFeed } from '../../../src/features/calendar/feed';
import { runRetention } from '../../../src/features/operations/commands';
import { formIn, notesRig, shown, shownAll, type NotesRig } from './notes-support';
import { text } from '../../support/harness';

let rig: NotesRig;
afterEach(() => rig.h.close());

const unfold = (ics: string): string =>
  ics
    .replace(/\r\n[ \t]/g, '')
    .replace(/\\n/g, '\n')
    .replace(/\\([,;\\])/g, '$1');

/** Three weeks: Tue 24 Nov held (an item discussed, a next step, notes), 1 Dec skipped, 8 Dec missed. */
function threeWeeks(): void {
  rig = notesRig();
  const { h } = rig;
  const item = h.core.services.agenda.addItem(
    rig.tenantId,
    { partnershipId: 1, section: 'wins', text: 'Grade 3 reading scores up 8 points', authorId: h.user('pat').id },
    h.clock.now(),
  );
  rig.at('2026-11-24T19:45:00Z'); // Tue 24 Nov 14:45
  const form = formIn(rig.action('pat', 'meeting.held', String(rig.meeting('2026-11-24').id)));
  const owner = form.inputs.find((i) => i.id === 'owner')!.choices!.find((c) => c.label === 'Casey Lee')!.value;
  rig.submit('pat', form.formId, {
    [`item_${item.id}`]: 'discussed',
    decision: 'Model a guided reading lesson in room 12',
    owner,
    due: '2026-12-03',
    shared_notes: 'Agreed to visit every K-2 room',
    private_notes: 'PANGOLIN-PAT private thought',
  });
  h.run('casey', 'notes add private CASSOWARY-CASEY private thought');
  expect(text(h.run('pat', 'skip State testing'))).toContain('Skipped Tue 1 Dec');
  rig.at('2026-12-08T19:45:00Z'); // Tue 8 Dec 14:45
  rig.action('casey', 'meeting.missed', String(rig.meeting('2026-12-08').id));
  rig.at('2026-12-09T14:00:00Z'); // Wed 9 Dec
}

describe('/touchpoint history', () => {
  it('lists past touch-points newest first with what happened, next steps, shared notes and only the reader’s own private notes', () => {
    threeWeeks();
    const { h } = rig;
    const pat = h.run('pat', 'history');
    const body = shownAll(pat);
    expect(pat.messages[0].blocks[0]).toEqual({ type: 'header', text: 'Touch-point history with Casey Lee' });
    const order = ['Tue 8 Dec 2026', 'Tue 1 Dec 2026', 'Tue 24 Nov 2026'].map((d) => body.indexOf(d));
    expect(order.every((i, n) => i > -1 && (n === 0 || i > order[n - 1]))).toBe(true);
    expect(body).toContain('Tue 8 Dec 2026, 14:00–14:30 EST — Missed');
    expect(body).toContain('Tue 1 Dec 2026, 14:00–14:30 EST — Skipped: State testing');
    expect(body).toContain('Tue 24 Nov 2026, 14:00–14:30 EST — Held');
    expect(body).toContain('Grade 3 reading scores up 8 points');
    expect(body).toContain('Model a guided reading lesson in room 12 — Casey Lee, due Thu 3 Dec 2026');
    expect(body).toContain('Pat Rivera: Agreed to visit every K-2 room');
    expect(body).toContain('(private — only you) PANGOLIN-PAT private thought');
    expect(body).not.toContain('CASSOWARY');
    expect(pat.messages[0].text).not.toContain('PANGOLIN'); // not in the fallback text either
    expect(pat.messages[0].text).toContain('1 private note of yours');

    const casey = shownAll(h.run('casey', 'history'));
    expect(casey).toContain('Touch-point history with Pat Rivera');
    expect(casey).toContain('Agreed to visit every K-2 room');
    expect(casey).toContain('(private — only you) CASSOWARY-CASEY private thought');
    expect(casey).not.toContain('PANGOLIN');
  });

  it('takes how many (1 to 20), says when there are fewer, and refuses anything else with the usage line', () => {
    threeWeeks();
    const { h } = rig;
    const one = shownAll(h.run('pat', 'history 1'));
    expect(one).toContain('Tue 8 Dec 2026');
    expect(one).not.toContain('Tue 1 Dec 2026');
    expect(one).toContain('The last 1; more with /touchpoint history 6.');
    expect(shownAll(h.run('pat', 'history 20'))).toContain('All 3 past touch-points.');
    for (const bad of ['21', '0', 'lots', '2.5']) {
      const reply = text(h.run('pat', `history ${bad}`));
      expect(reply).toContain(`"${bad}" is not a number of touch-points from 1 to 20`);
      expect(reply).toContain('history [n]');
    }
    expect(text(h.run('pat', 'history 2 3'))).toContain('unexpected "3"');
    expect(text(h.run('taylor', 'history'))).toContain('no active touch-point');
  });

  it('says so before the first touch-point', () => {
    rig = notesRig();
    expect(text(rig.h.run('pat', 'history'))).toBe('No touch-point has taken place yet, so there is no history. After your first one: /touchpoint notes');
  });
});

describe('App Home', () => {
  it('shows the last touch-point with its shared notes and where the history is; never the other member’s private notes', () => {
    threeWeeks();
    const casey = shown(rig.home('casey'));
    expect(casey).toContain('Last touch-point with Pat Rivera');
    expect(casey).toContain('Tue 8 Dec 2026');
    expect(casey).toContain('Missed · 0 discussed · 0 next steps');
    expect(casey).toContain('/touchpoint history');
    rig.at('2026-11-25T14:00:00Z'); // back to the day after the held meeting
    const after = shown(rig.home('casey'));
    expect(after).toContain('Held · 1 discussed · 1 next step');
    expect(after).toContain('Pat Rivera: Agreed to visit every K-2 room');
    expect(after).not.toContain('PANGOLIN');
    expect(shown(rig.home('pat'))).not.toContain('CASSOWARY');
  });
});

describe('the calendar feed', () => {
  it('gives a past meeting’s event its shared notes and next steps, and never a private note, not even the owner’s own', () => {
    threeWeeks();
    for (const handle of ['pat', 'casey']) {
      const ics = unfold(buildFeed(rig.h.core.services, rig.actor(handle), rig.h.clock.now()));
      expect(ics).toContain('Shared notes:\n- Pat Rivera: Agreed to visit every K-2 room');
      expect(ics).toContain('Next steps:\n- Model a guided reading lesson in room 12 — Casey Lee, due Thu 3 Dec 2026');
      expect(ics).toMatch(/RECURRENCE-ID;TZID=America\/New_York:20261124T140000/);
      expect(ics).not.toContain('PANGOLIN');
      expect(ics).not.toContain('CASSOWARY');
    }
  });
});

describe('names and retention', () => {
  it('stores a named colleague by reference, and forget-me leaves "a teacher" in notes, typed names too', () => {
    rig = notesRig();
    const { h } = rig;
    rig.at('2026-11-24T20:00:00Z');
    h.run('pat', 'notes add shared Taylor Morgan will pilot the new unit');
    h.run('casey', 'notes add private Check on Ms. Morgan next week');
    const raw = (rig.h.core.db.prepare('SELECT text FROM meeting_notes ORDER BY id').all() as { text: string }[]).map((r) => r.text);
    expect(raw[0]).toBe(`⟦person:${h.user('taylor').id}⟧ will pilot the new unit`);
    expect(shownAll(h.run('casey', 'history'))).toContain('Taylor Morgan will pilot the new unit');

    const confirm = h.run('taylor', 'forget-me', { root: 'coaching' }).messages[0];
    expect(text(h.press('taylor', confirm, 'Erase everything'))).toMatch(/^Done\./);
    expect(shownAll(h.run('casey', 'history'))).toContain('a teacher will pilot the new unit');
    expect(shownAll(h.run('casey', 'history'))).toContain('Check on a teacher next week');
    expect(JSON.stringify(rig.h.core.db.prepare('SELECT text FROM meeting_notes').all())).not.toContain('Morgan');
  });

  it('deletes notes with the retention window, counted from their meeting; the meeting stays in the history', () => {
    rig = notesRig();
    const { h } = rig;
    rig.at('2026-11-24T20:00:00Z');
    h.run('pat', 'notes add shared Visit room 12 together');
    rig.at('2026-12-20T14:00:00Z');
    runRetention(h.core.registry, h.core.services, h.clock.now(), 30);
    expect(shownAll(h.run('pat', 'history'))).toContain('Visit room 12 together');
    rig.at('2026-12-25T14:00:00Z'); // more than 30 days after Tue 24 Nov
    runRetention(h.core.registry, h.core.services, h.clock.now(), 30);
    const after = shownAll(h.run('pat', 'history 10'));
    expect(after).not.toContain('Visit room 12 together');
    expect(after).toContain('Tue 24 Nov 2026');
  });
});
