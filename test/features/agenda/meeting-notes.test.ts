/**
 * Meeting notes: shared notes both members read, private notes only their author ever reads,
 * written from the Held notes form or typed, editable and removable by their author until the
 * partnership's next meeting begins, read-only after (with why).
 */
import { buttonsOf } from '../../../src/messages/model';
import { formIn, notesRig, shown, shownAll, type NotesRig } from './notes-support';
import { text } from '../../support/harness';

let rig: NotesRig;
afterEach(() => rig.h.close());

describe('the Held notes form', () => {
  it('takes shared and private notes: the other person is told the shared ones, never the private ones', async () => {
    rig = notesRig();
    const { h } = rig;
    rig.at('2026-11-24T19:45:00Z'); // Tue 24 Nov 14:45 New York, after the meeting
    const held = rig.action('pat', 'meeting.held', String(rig.meeting('2026-11-24').id));
    const form = formIn(held);
    expect(form.inputs.filter((i) => i.id.endsWith('_notes')).map((i) => `${i.id}:${i.kind}:${i.hint ?? ''}`)).toEqual([
      'shared_notes:longtext:Both of you see these.',
      'private_notes:longtext:Only you ever see these: not the other person, not admins, not exports.',
    ]);
    const saved = rig.submit('pat', form.formId, {
      shared_notes: 'Agreed to visit every K-2 room before the data meeting',
      private_notes: 'Ask about BRAMBLE-PRIVATE workload next time',
    });
    expect(saved.reply.messages[0].text).toContain('Shared notes: Agreed to visit every K-2 room before the data meeting.');
    expect(saved.reply.messages[0].text).toContain('Your private notes are saved: only you will ever see them');
    expect(saved.reply.messages[0].text).not.toContain('BRAMBLE-PRIVATE');
    const dms = await h.deliver();
    const toCasey = dms.filter((d) => d.to === 'casey').map((d) => shown(d.message));
    expect(toCasey.join('\n')).toContain('Agreed to visit every K-2 room');
    expect(dms.map((d) => shown(d.message)).join('\n')).not.toContain('BRAMBLE-PRIVATE');

    expect(shownAll(h.run('pat', 'notes show'))).toContain('BRAMBLE-PRIVATE');
    const casey = shownAll(h.run('casey', 'notes show'));
    expect(casey).toContain('Shared — Pat Rivera');
    expect(casey).toContain('Agreed to visit every K-2 room');
    expect(casey).not.toContain('BRAMBLE-PRIVATE');
  });

  it('an over-long note is refused on its own input and nothing is saved', () => {
    rig = notesRig();
    rig.at('2026-11-24T19:45:00Z');
    const form = formIn(rig.action('pat', 'meeting.held', String(rig.meeting('2026-11-24').id)));
    const outcome = rig.submit('pat', form.formId, { shared_notes: 'x'.repeat(2001) });
    expect(JSON.stringify(outcome)).toContain('at most 2000 characters');
    expect(rig.h.core.services.agenda.outcomeOf(rig.meeting('2026-11-24').id)?.notesAt).toBeNull();
    expect(text(rig.h.run('pat', 'notes show'))).toContain('No notes yet.');
  });
});

describe('/touchpoint notes add, show, edit, remove', () => {
  beforeEach(() => {
    rig = notesRig();
    rig.at('2026-11-24T20:00:00Z'); // Tue 24 Nov 15:00 New York
  });

  it('adds shared or private notes to the last meeting; private unless said; each reads them as the policy allows', () => {
    const { h } = rig;
    expect(text(h.run('pat', 'notes add shared Visit room 12 together'))).toBe(
      'Note #1 added in the shared notes (both of you see them) for Tue 24 Nov 2026, 14:00–14:30 EST. Visit room 12 together',
    );
    const own = h.run('pat', 'notes add Keep an eye on WOMBAT pacing');
    expect(text(own)).toBe('Note #2 added in your private notes (only you ever see them) for Tue 24 Nov 2026, 14:00–14:30 EST.');
    expect(shownAll(own)).toContain('Keep an eye on WOMBAT pacing');
    expect(text(h.run('casey', 'notes add private Coach thought OTTER'))).toContain('Note #3 added in your private notes');

    const pat = shownAll(h.run('pat', 'notes show'));
    expect(pat).toContain('#1 Shared — Pat Rivera');
    expect(pat).toContain('#2 Private — only you');
    expect(pat).toContain('WOMBAT');
    expect(pat).not.toContain('OTTER');
    const casey = shownAll(h.run('casey', 'notes show'));
    expect(casey).toContain('Visit room 12 together');
    expect(casey).toContain('OTTER');
    expect(casey).not.toContain('WOMBAT');
    // Fallback text (what notifications show) never carries a private note's words.
    expect(h.run('pat', 'notes show').messages[0].text).not.toContain('WOMBAT');
  });

  it('refuses a note with no words, an unknown word, and people outside the partnership, with the usage line', () => {
    const { h } = rig;
    const empty = text(h.run('pat', 'notes add shared'));
    expect(empty).toContain('say what the note is');
    expect(empty).toContain('notes [add [shared|private] <text>');
    expect(text(h.run('pat', 'notes publish x'))).toContain('"publish" is not add, edit, remove or show');
    expect(text(h.run('pat', 'notes edit #x words'))).toContain('"#x" is not a note number');
    expect(text(h.run('taylor', 'notes add shared I was here'))).toContain('no active touch-point');
    expect(h.core.services.meetingNotes.notesOfOccurrences(rig.tenantId, [rig.meeting('2026-11-24').id])).toEqual([]);
  });

  it('only the author edits or removes a note; someone else’s reads as no note at all', () => {
    const { h } = rig;
    h.run('pat', 'notes add shared Visit room 12 together');
    h.run('pat', 'notes add private My own thought');
    expect(text(h.run('casey', 'notes edit #1 Mine now'))).toBe('There is no note #1 of yours.');
    expect(text(h.run('casey', 'notes remove #2'))).toBe('There is no note #2 of yours.');
    expect(text(h.run('jordan', 'notes remove #2'))).toBe('There is no note #2 of yours.');
    expect(text(rig.action('casey', 'meeting.note.edit', '2'))).toBe('There is no note #2 of yours.');
    expect(text(rig.submit('casey', 'meeting-notes.edit:1', { text: 'forged' }).reply)).toBe('There is no note #1 of yours.');

    expect(text(h.run('pat', 'notes edit #1 Visit rooms 12 and 14 together'))).toContain('Note #1 changed in the shared notes');
    expect(shownAll(h.run('casey', 'notes show'))).toContain('Visit rooms 12 and 14 together');
    expect(text(h.run('pat', 'notes remove #2'))).toBe('Note #2 removed from the notes of Tue 24 Nov 2026, 14:00–14:30 EST.');
    expect(shownAll(h.run('pat', 'notes show'))).not.toContain('My own thought');
  });

  it('"Edit notes" after the notes are saved lists them with Edit / Remove on one’s own, and the Edit form saves the new text', () => {
    const { h } = rig;
    const form = formIn(rig.action('pat', 'meeting.held', String(rig.meeting('2026-11-24').id)));
    rig.submit('casey', form.formId, {}); // casey saves first (no notes)
    h.run('casey', 'notes add shared Casey’s shared note');
    const saved = h.run('pat', 'notes');
    const list = h.press('pat', saved.messages[0], 'Edit notes');
    expect(shownAll(list)).toContain('Casey’s shared note');
    expect(buttonsOf(list.messages[0]).map((b) => b.label)).toEqual(['Add a note']); // nothing of pat's to edit yet

    const add = formIn(h.press('pat', list.messages[0], 'Add a note'));
    expect(add.inputs.map((i) => `${i.id}:${i.initial ?? ''}`)).toEqual(['visibility:private', 'text:']);
    expect(text(rig.submit('pat', add.formId, { visibility: 'shared', text: 'Pat’s first draft' }).reply)).toContain('Note #2 added in the shared notes');

    const mine = h.press('pat', saved.messages[0], 'Edit notes').messages[0];
    expect(buttonsOf(mine).map((b) => `${b.label}=${b.value}`)).toEqual(['Edit=2', 'Remove=2', 'Add a note=' + String(rig.meeting('2026-11-24').id)]);
    const edit = formIn(h.press('pat', mine, 'Edit'));
    expect(edit.inputs[0].initial).toBe('Pat’s first draft');
    expect(text(rig.submit('pat', edit.formId, { text: '' }).reply)).not.toContain('changed');
    expect(text(rig.submit('pat', edit.formId, { text: 'Pat’s final words' }).reply)).toContain('Note #2 changed');
    expect(shownAll(h.run('casey', 'notes show'))).toContain('Pat’s final words');
  });

  it('notes stay editable until the next meeting begins, then are read-only with a clear line why', () => {
    const { h } = rig;
    h.run('pat', 'notes add shared Visit room 12 together');
    const editForm = formIn(rig.action('pat', 'meeting.note.edit', '1'));
    rig.at('2026-12-01T18:59:00Z'); // Tue 1 Dec 13:59: the next one has not begun
    expect(text(h.run('pat', 'notes edit #1 Visit room 12 on Thursday'))).toContain('changed');

    rig.at('2026-12-01T19:00:00Z'); // 14:00: it begins
    const why = 'These notes are read-only: the next touch-point (Tue 1 Dec 2026, 14:00–14:30 EST) has begun. Add notes to that one instead.';
    expect(text(h.run('pat', 'notes edit #1 Too late'))).toBe(why);
    expect(text(h.run('pat', 'notes remove #1'))).toBe(why);
    expect(text(rig.submit('pat', editForm.formId, { text: 'Too late' }).reply)).toBe(why);
    expect(text(rig.action('pat', 'meeting.note.add', String(rig.meeting('2026-11-24').id)))).toBe(why);
    const old = rig.action('pat', 'meeting.notes.show', String(rig.meeting('2026-11-24').id)).messages[0];
    expect(shown(old)).toContain(why);
    expect(buttonsOf(old)).toEqual([]);
    expect(h.core.services.meetingNotes.noteById(rig.tenantId, 1)!.text).toBe('Visit room 12 on Thursday');

    // A new note now goes to the meeting that has begun.
    expect(text(h.run('pat', 'notes add shared Started on time'))).toContain('for Tue 1 Dec 2026');
  });

  it('a meeting later today takes notes already; next week’s does not', () => {
    const { h } = rig;
    rig.at('2026-12-01T14:00:00Z'); // Tue 1 Dec 09:00: today's meeting is at 14:00
    expect(text(h.run('pat', 'notes add private Prep: bring the walkthrough data'))).toContain('for Tue 1 Dec 2026');
    expect(text(rig.action('pat', 'meeting.note.add', String(rig.meeting('2026-12-08').id)))).toBe(
      'That touch-point has not come yet: notes are for a past meeting or today’s.',
    );
  });

  it('every note written or changed is audited without its words', () => {
    const { h } = rig;
    h.run('pat', 'notes add private SECRET-AUDIT words');
    h.run('pat', 'notes edit #1 SECRET-AUDIT changed');
    const school = h.core.services.people.schoolsOfTenant(rig.tenantId)[0].id;
    const entries = h.core.services.audit.auditOfSchool(rig.tenantId, school).filter((e) => e.action.startsWith('meeting.note'));
    expect(entries.map((e) => e.action)).toEqual(['meeting.note.private', 'meeting.note.edit']);
    expect(JSON.stringify(entries)).not.toContain('SECRET-AUDIT');
  });
});
