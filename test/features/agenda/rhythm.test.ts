/**
 * The weekly rhythm driven through the core with the settable clock: prompts, items from both
 * sides, the compiled agenda, "did it happen?", notes, carry-over, action-item reminders and the
 * drift nudge. Every reminder must arrive once, to the right people, at the right local time.
 */
import { createHarness, seedDemoSchool, bookAccepted, text, type Harness, type SentDm } from '../../support/harness';
import { formOf, buttonsOf } from '../../../src/messages/model';
import { toLocal } from '../../../src/core/datetime';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const local = (d: Date, tz = NY): string => {
  const l = toLocal(d, tz);
  return `${l.date} ${l.time}`;
};
const headerOf = (dm: SentDm): string => (dm.message.blocks[0]?.type === 'header' ? (dm.message.blocks[0] as { text: string }).text : dm.message.text);

describe('two weeks of a partnership', () => {
  let h: Harness;
  beforeEach(() => {
    // Wed 18 Nov 2026, 12:00 in New York.
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') });
    seedDemoSchool(h);
    bookAccepted(h); // pat ↔ casey, Tuesdays 14:00–14:30
  });
  afterEach(() => h.close());

  it('prompts, compiles, asks, carries over and reminds, each once, at the right local times', async () => {
    const agreement = await h.deliver();
    expect(
      agreement
        .filter((d) => d.message.text.includes('partnership agreement'))
        .map((d) => d.to)
        .sort(),
    ).toEqual(['casey', 'pat']);

    expect(text(h.run('pat', 'add data Attendance dip in grade 4'))).toContain('Added to the agenda for Tue 24 Nov 2026, 14:00–14:30 EST (Student data)');
    h.run('pat', 'priorities set 1 Guided reading in every K-2 room');
    await h.deliver();

    // Fri 20 Nov 08:00 local: two school days before Tuesday.
    const toFriday = await h.advance(new Date('2026-11-20T13:30:00Z').getTime() - h.clock.now().getTime());
    const prompts = toFriday.filter((d) => headerOf(d) === 'Agenda prompt');
    expect(prompts.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-11-20 08:00'],
      ['pat', '2026-11-20 08:00'],
    ]);
    expect(prompts[0].message.text).toContain('Attendance dip in grade 4');
    expect(buttonsOf(prompts[0].message).map((b) => b.label)).toEqual(['Add an item', 'Nothing from me this week']);

    // Casey adds from the prompt's button: a form, then the item.
    const caseyPrompt = prompts.find((d) => d.to === 'casey')!;
    const form = formOf(h.press('casey', caseyPrompt.message, 'Add an item').messages[0])!;
    expect(form.inputs.map((i) => i.id)).toEqual(['section', 'text']);
    const added = h.core.app.submitForm(
      { identity: { platform: 'console', tenantExternalId: 'local', userExternalId: 'casey', handle: 'casey' } },
      form.formId,
      { section: 'wins', text: 'Reading scores up 8 points' },
    );
    expect(text(added.reply)).toContain('(Wins and bright spots): Reading scores up 8 points');
    h.press('pat', prompts.find((d) => d.to === 'pat')!.message, 'Nothing from me this week');

    // Tue 24 Nov: compiled agenda 60 minutes before (13:00), "Did it happen?" 15 minutes after the end (14:45).
    const tuesday = await h.advance(new Date('2026-11-24T20:00:00Z').getTime() - h.clock.now().getTime());
    const compiled = tuesday.filter((d) => headerOf(d).startsWith('Agenda —'));
    expect(compiled.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-11-24 13:00'],
      ['pat', '2026-11-24 13:00'],
    ]);
    const agendaText = compiled[0].message.blocks.map((b) => ('text' in b ? b.text : 'items' in b ? b.items.join('|') : b.type)).join('\n');
    expect(agendaText.indexOf('Shared priorities')).toBeLessThan(agendaText.indexOf('Wins and bright spots'));
    expect(agendaText.indexOf('Wins and bright spots')).toBeLessThan(agendaText.indexOf('Student data'));
    expect(agendaText).toContain('Guided reading in every K-2 room');
    const asked = tuesday.filter((d) => headerOf(d) === 'Did it happen?');
    expect(asked.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-11-24 14:45'],
      ['pat', '2026-11-24 14:45'],
    ]);

    // Held: mark the win discussed, leave the attendance item (carried over), record a next step for Thursday.
    const held = h.press('pat', asked.find((d) => d.to === 'pat')!.message, 'Held');
    const notes = formOf(held.messages[1])!;
    const items = h.core.services.agenda.openItems(h.user('pat').tenantId, 1);
    const win = items.find((i) => i.text.startsWith('Reading'))!;
    const caseyRef = notes.inputs.find((i) => i.id === 'owner')!.choices!.find((c) => c.label === 'Casey Lee')!.value;
    const saved = h.core.app.submitForm({ identity: { platform: 'console', tenantExternalId: 'local', userExternalId: 'pat', handle: 'pat' } }, notes.formId, {
      [`item_${win.id}`]: 'discussed',
      decision: 'Share the reading data with grade 3 team',
      owner: caseyRef,
      due: '2026-11-26',
    });
    expect(text(saved.reply)).toContain('1 discussed, 1 carried over, 0 dropped');
    expect(text(saved.reply)).toContain('Next step for Casey Lee, due Thu 26 Nov 2026');
    // The second person's "Held" press does not record twice.
    const again = h.press('casey', asked.find((d) => d.to === 'casey')!.message, 'Missed');
    expect(text(again)).toContain('Already recorded as held by Pat Rivera');

    // Thu 26 Nov 08:00: only the owner is reminded of the action item.
    const thursday = await h.advance(new Date('2026-11-26T14:00:00Z').getTime() - h.clock.now().getTime());
    const due = thursday.filter((d) => d.message.text.startsWith('Due today'));
    expect(due.map((d) => [d.to, local(d.at)])).toEqual([['casey', '2026-11-26 08:00']]);

    // Week 2: the compiled agenda shows the overdue action item at the top, with how long, then the carried item with its count.
    const week2 = await h.advance(new Date('2026-12-01T18:30:00Z').getTime() - h.clock.now().getTime());
    const compiled2 = week2.filter((d) => headerOf(d).startsWith('Agenda —') && d.to === 'pat');
    expect(compiled2).toHaveLength(1);
    const lists = compiled2[0].message.blocks.filter((b) => b.type === 'list').map((b) => (b as { items: string[] }).items.join('|'));
    expect(lists[0]).toContain('Share the reading data with grade 3 team — _Casey Lee, due Thu 26 Nov 2026, overdue 3 school days (5 days)_');
    expect(lists[2]).toContain('Attendance dip in grade 4 — _Pat Rivera, carried over 1×_');

    // Nothing was sent twice.
    const keys = h.core.db
      .prepare(`SELECT recipient_id, kind, COUNT(*) AS n FROM outbox WHERE status = 'sent' GROUP BY recipient_id, kind, due_at HAVING n > 1`)
      .all();
    expect(keys).toEqual([]);
  });

  it('two skipped touch-points in a row bring a "protect this time" nudge to both, with the next date', async () => {
    await h.deliver();
    h.clock.set(new Date('2026-11-23T14:00:00Z'));
    expect(text(h.run('pat', 'skip state testing'))).toContain('Skipped Tue 24 Nov 2026');
    let dms = await h.advance(HOUR);
    expect(dms.some((d) => headerOf(d) === 'Protect this time')).toBe(false);
    h.clock.set(new Date('2026-11-30T14:00:00Z'));
    h.run('casey', 'skip conference');
    // About touch-points that did not happen: once the second one's time is over (Tue 1 Dec, 14:30).
    expect((await h.advance(HOUR)).filter((d) => headerOf(d) === 'Protect this time')).toHaveLength(0);
    dms = await h.advance(new Date('2026-12-01T20:00:00Z').getTime() - h.clock.now().getTime());
    const nudges = dms.filter((d) => headerOf(d) === 'Protect this time');
    expect(nudges.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-12-01 14:30'],
      ['pat', '2026-12-01 14:30'],
    ]);
    expect(nudges[0].message.text).toContain('Your next one is Tue 8 Dec 2026, 14:00–14:30 EST');
    // Once per run: more ticks add nothing.
    expect((await h.advance(2 * HOUR)).filter((d) => headerOf(d) === 'Protect this time')).toHaveLength(0);
  });

  it('a missed meeting carries its items over and counts towards drift', async () => {
    await h.deliver();
    h.run('casey', 'add support New teacher in room 12');
    const dms = await h.advance(new Date('2026-11-24T19:50:00Z').getTime() - h.clock.now().getTime());
    const ask = dms.find((d) => d.to === 'casey' && headerOf(d) === 'Did it happen?')!;
    expect(text(h.press('casey', ask.message, 'Missed'))).toContain('Recorded as missed');
    const item = h.core.services.agenda.openItems(h.user('casey').tenantId, 1)[0];
    expect(item.carriedCount).toBe(1);
    h.clock.set(new Date('2026-11-30T14:00:00Z'));
    h.run('pat', 'skip');
    const after = await h.advance(new Date('2026-12-01T20:00:00Z').getTime() - h.clock.now().getTime());
    expect(
      after
        .filter((d) => headerOf(d) === 'Protect this time')
        .map((d) => d.to)
        .sort(),
    ).toEqual(['casey', 'pat']);
  });

  it('muted prompts are not sent to that person; the compiled agenda cannot be muted', async () => {
    await h.deliver();
    expect(text(h.run('casey', 'settings mute prompt'))).toContain('Muted prompt reminders for you.');
    expect(text(h.run('casey', 'settings mute agenda'))).toContain('cannot be muted');
    const dms = await h.advance(new Date('2026-11-24T18:30:00Z').getTime() - h.clock.now().getTime());
    expect(dms.filter((d) => headerOf(d) === 'Agenda prompt').map((d) => d.to)).toEqual(['pat']);
    expect(
      dms
        .filter((d) => headerOf(d).startsWith('Agenda —'))
        .map((d) => d.to)
        .sort(),
    ).toEqual(['casey', 'pat']);
  });

  it('settings change the timings and re-plan what was planned', async () => {
    await h.deliver();
    expect(text(h.run('pat', 'settings prompt-days 3'))).toContain('Saved.');
    expect(text(h.run('pat', 'settings prompt-time 7:30am'))).toContain('Saved.');
    expect(text(h.run('pat', 'settings agenda-lead 5000'))).toBe(
      'agenda-lead must be 10 to 1440 minutes (got "5000")\nUsage: /touchpoint settings [prompt-days <1-5> | prompt-time <HH:MM> | agenda-lead <minutes> | notes-delay <minutes> | mute <kind> | unmute <kind> | reflect-days <1-10> | urgent-ack <minutes>]',
    );
    const dms = await h.advance(new Date('2026-11-20T14:00:00Z').getTime() - h.clock.now().getTime());
    // Three school days before Tue 24 Nov is Thu 19 Nov, at 07:30.
    expect(
      dms
        .filter((d) => headerOf(d) === 'Agenda prompt')
        .map((d) => [d.to, local(d.at)])
        .sort(),
    ).toEqual([
      ['casey', '2026-11-19 07:30'],
      ['pat', '2026-11-19 07:30'],
    ]);
  });

  it('changing a timing after a prompt went out does not send that prompt again', async () => {
    await h.deliver();
    const first = await h.advance(new Date('2026-11-20T14:00:00Z').getTime() - h.clock.now().getTime());
    expect(first.filter((d) => headerOf(d) === 'Agenda prompt')).toHaveLength(2);
    h.run('pat', 'settings prompt-time 09:00');
    h.run('pat', 'settings prompt-days 1');
    const after = await h.advance(new Date('2026-11-24T17:00:00Z').getTime() - h.clock.now().getTime());
    expect(after.filter((d) => headerOf(d) === 'Agenda prompt')).toEqual([]);
    // The next meeting's prompt follows the new settings: 1 school day before (Mon 30 Nov), at 09:00.
    const next = await h.advance(new Date('2026-11-30T15:00:00Z').getTime() - h.clock.now().getTime());
    expect(
      next
        .filter((d) => headerOf(d) === 'Agenda prompt')
        .map((d) => [d.to, local(d.at)])
        .sort(),
    ).toEqual([
      ['casey', '2026-11-30 09:00'],
      ['pat', '2026-11-30 09:00'],
    ]);
  });

  it('a moved meeting is prompted two school days before its new date', async () => {
    await h.deliver();
    await h.advance(new Date('2026-11-23T14:00:00Z').getTime() - h.clock.now().getTime()); // Mon 09:00: Tuesday's prompt went out on Friday
    h.press('pat', h.run('pat', 'move 2026-11-27 10:00').messages[0], 'Confirm'); // Tue 24 → Fri 27 Nov
    const dms = await h.advance(new Date('2026-11-27T16:00:00Z').getTime() - h.clock.now().getTime());
    const prompts = dms.filter((d) => headerOf(d) === 'Agenda prompt' && d.message.text.includes('Fri 27 Nov'));
    expect(prompts.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-11-25 08:00'],
      ['pat', '2026-11-25 08:00'],
    ]);
  });

  it('after a long break the first prompt comes at its moment, not during the break', async () => {
    h.run('pat', 'closed 2026-12-18..2027-01-04 Winter break');
    await h.deliver();
    h.clock.set(new Date('2026-12-10T15:00:00Z'));
    const dms = await h.advance(new Date('2027-01-05T14:00:00Z').getTime() - h.clock.now().getTime());
    const forJan5 = dms.filter((d) => headerOf(d) === 'Agenda prompt' && d.message.text.includes('Tue 5 Jan 2027'));
    // Two school days before Tue 5 Jan, skipping the break and the weekend: Wed 16 Dec, 08:00.
    expect(forJan5.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-12-16 08:00'],
      ['pat', '2026-12-16 08:00'],
    ]);
  });

  it('meeting notes are saved once: a second save (the other person, or a resubmitted card) is refused', async () => {
    await h.deliver();
    h.run('pat', 'add data Attendance dip');
    const dms = await h.advance(new Date('2026-11-24T19:50:00Z').getTime() - h.clock.now().getTime());
    const ask = (who: string) => dms.find((d) => d.to === who && headerOf(d) === 'Did it happen?')!;
    const notes = formOf(h.press('pat', ask('pat').message, 'Held').messages[1])!;
    const values = { decision: 'Casey models a lesson', owner: notes.inputs.find((i) => i.id === 'owner')!.choices![1].value, due: '2026-11-27' };
    const pat = { identity: { platform: 'console' as const, tenantExternalId: 'local', userExternalId: 'pat', handle: 'pat' } };
    const casey = { identity: { platform: 'console' as const, tenantExternalId: 'local', userExternalId: 'casey', handle: 'casey' } };
    const again = formOf(h.press('casey', ask('casey').message, 'Held').messages[0])!; // both have the form open
    expect(text(h.core.app.submitForm(pat, notes.formId, values).reply)).toContain('Notes saved');
    expect(text(h.core.app.submitForm(casey, again.formId, values).reply)).toBe(
      'The notes for Tue 24 Nov 2026, 14:00–14:30 EST were already saved. Add a next step with the "Add another next step" button, or /touchpoint agenda to see what carries over.',
    );
    expect(h.core.db.prepare('SELECT COUNT(*) AS n FROM action_items').get()).toEqual({ n: 1 });
    expect(h.core.services.agenda.openItems(h.user('pat').tenantId, 1).map((i) => i.carriedCount)).toEqual([1]);

    // "Held" pressed once the notes are saved offers a next step instead of a form that would be refused.
    const late = h.press('casey', ask('casey').message, 'Held');
    expect(late.messages).toHaveLength(1);
    expect(formOf(late.messages[0])).toBeUndefined();
    expect(text(late)).toBe(
      'The notes for Tue 24 Nov 2026, 14:00–14:30 EST are already saved. Add a next step here, or /touchpoint agenda to see what carries over.',
    );
    expect(buttonsOf(late.messages[0]).map((b) => b.label)).toEqual(['Add another next step', 'Edit notes']);
    const step = formOf(h.press('casey', late.messages[0], 'Add another next step').messages[0])!;
    expect(step.title).toBe('Add a next step');
    // …and so does /touchpoint notes.
    const typed = h.run('casey', 'notes');
    expect(text(typed)).toBe(text(late));
    expect(buttonsOf(typed.messages[0]).map((b) => b.label)).toEqual(['Add another next step', 'Edit notes']);
  });

  it("with two touch-points, the add and move forms ask which one, and the prompt's button knows", () => {
    const tenantId = h.user('pat').tenantId;
    const robin = h.core.services.people.ensureUser(tenantId, 'robin', h.clock.now(), 'Robin Diaz', 'robin');
    h.core.services.people.addMembership(tenantId, 1, robin.id, 'coach', h.clock.now());
    bookAccepted(h, 'book @robin weekly thu 10:00', 'pat', 'robin');
    const pat = { identity: { platform: 'console' as const, tenantExternalId: 'local', userExternalId: 'pat', handle: 'pat' } };
    const form = formOf(h.run('pat', 'add').messages[0])!;
    expect(form.inputs.map((i) => i.id)).toEqual(['with', 'section', 'text']);
    expect(form.inputs[0].choices!.map((c) => c.label)).toEqual(['Casey Lee', 'Robin Diaz']);
    const added = h.core.app.submitForm(pat, form.formId, { with: form.inputs[0].choices![1].value, section: 'wins', text: 'For Robin' });
    expect(text(added.reply)).toContain('Added to the agenda for Thu 19 Nov 2026, 10:00–10:30 EST (Wins and bright spots): For Robin');
    const move = formOf(h.run('pat', 'move').messages[0])!;
    expect(move.inputs.map((i) => i.id)).toEqual(['with', 'date', 'time']);
    const moved = h.core.app.submitForm(pat, move.formId, { with: move.inputs[0].choices![0].value, date: '2026-11-25', time: '09:00' });
    expect(text(moved.reply)).toContain('Move your touch-point with Casey Lee: Tue 24 Nov 2026, 14:00–14:30 EST → Wed 25 Nov 2026, 09:00–09:30 EST?');
    expect(text(h.press('pat', moved.reply.messages[0], 'Confirm'))).toContain('Moved: Tue 24 Nov 2026, 14:00–14:30 EST → Wed 25 Nov 2026, 09:00–09:30 EST.');
    const occ = h.core.db.prepare('SELECT id FROM occurrences WHERE series_id = 1 ORDER BY starts_at LIMIT 1').get() as { id: number };
    const fromPrompt = formOf(h.core.app.action(pat, 'agenda.add', String(occ.id)).messages[0])!;
    expect(fromPrompt.inputs[0]).toMatchObject({ id: 'with', initial: form.inputs[0].choices![0].value });
  });

  it('a fourth priority is refused with the reason', () => {
    h.run('pat', 'priorities add One');
    h.run('casey', 'priorities add Two');
    h.run('pat', 'priorities add Three');
    expect(text(h.run('pat', 'priorities add Four'))).toBe(
      'A partnership keeps at most 3 shared priorities: a shared vision means few priorities. Clear one first: /touchpoint priorities clear <1-3>.',
    );
    expect(text(h.run('pat', 'priorities set 4 Four')).split('\n')[0]).toBe(
      'A partnership keeps at most 3 shared priorities: a shared vision means few priorities. Clear one first.',
    );
    expect(text(h.run('casey', 'priorities clear 2'))).toContain('1. One');
  });

  it('authors edit or remove their items until the meeting starts, and only their own', () => {
    const added = h.run('casey', 'add learning Book study on feedback');
    const id = h.core.services.agenda.openItems(h.user('casey').tenantId, 1)[0].id;
    expect(text(h.run('pat', `agenda edit #${id} Hijacked`))).toBe('Only the person who added an item can change it.');
    expect(text(h.run('casey', `agenda edit #${id} Book study: chapter 3`))).toBe(`Item #${id} now reads: Book study: chapter 3`);
    h.clock.set(new Date('2026-11-24T19:05:00Z')); // the meeting has started
    expect(text(h.press('casey', added.messages[0], 'Remove'))).toBe('The meeting has started; the item can be marked at the meeting instead.');
    expect(h.core.services.agenda.itemById(h.user('casey').tenantId, id)!.text).toBe('Book study: chapter 3');
  });

  it('the DST change keeps prompts and agendas at the same local time', async () => {
    h.close();
    h = createHarness({ start: new Date('2027-03-08T17:00:00Z') }); // Mon 8 Mar 2027, before the change on Sun 14 Mar
    seedDemoSchool(h);
    bookAccepted(h, 'book @casey weekly tue 14:00 from 2027-03-16');
    await h.deliver();
    const dms = await h.advance(new Date('2027-03-16T19:00:00Z').getTime() - h.clock.now().getTime());
    const prompt = dms.find((d) => d.to === 'pat' && headerOf(d) === 'Agenda prompt')!;
    const compiled = dms.find((d) => d.to === 'pat' && headerOf(d).startsWith('Agenda —'))!;
    expect(prompt.at.toISOString()).toBe('2027-03-12T13:00:00.000Z'); // Fri 08:00 EST
    expect(compiled.at.toISOString()).toBe('2027-03-16T17:00:00.000Z'); // Tue 13:00 EDT
    expect(headerOf(compiled)).toBe('Agenda — Tue 16 Mar 2027, 14:00–14:30 EDT');
  });
});

describe('who may use a partnership’s agenda', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') });
    seedDemoSchool(h);
    const tenant = h.core.services.people.ensureTenant('console', 'local', h.clock.now());
    const other = h.core.services.people.ensureUser(tenant.id, 'robin', h.clock.now(), 'Robin Diaz', 'robin');
    h.core.services.people.addMembership(tenant.id, 1, other.id, 'coach', h.clock.now());
    seedDemoSchool(h, 'other-district');
    bookAccepted(h);
    h.run('pat', 'add wins Confidential partnership item');
  });
  afterEach(() => h.close());

  it.each([
    ['another coach of the school', 'robin', 'local'],
    ['a teacher', 'taylor', 'local'],
    ['a principal of another tenant', 'pat', 'other-district'],
  ])('%s can neither read nor add items', (_who, handle, tenant) => {
    const read = text(h.run(handle, 'agenda', { tenant }));
    expect(read).not.toContain('Confidential partnership item');
    expect(read).toContain('no active touch-point');
    expect(text(h.run(handle, 'add wins Sneaky', { tenant }))).toContain('no active touch-point');
    const occ = h.core.db.prepare('SELECT id FROM occurrences ORDER BY starts_at LIMIT 1').get() as { id: number };
    const pressed = h.core.app.action(
      { identity: { platform: 'console', tenantExternalId: tenant, userExternalId: handle, handle } },
      'agenda.add',
      String(occ.id),
    );
    expect(text(pressed)).toMatch(/no longer exists|Only the principal and the coach/);
    const items = h.core.db.prepare('SELECT text FROM agenda_items').all() as { text: string }[];
    expect(items.map((i) => i.text)).toEqual(['Confidential partnership item']);
  });
});
