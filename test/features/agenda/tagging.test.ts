/**
 * Agenda items and action items tagged with a shared priority: typed (`priority:2`, `priorities:2`,
 * `p2`) or chosen in the add and notes forms; shown as "→ P2" on the agenda; untagged when the
 * priority is cleared.
 */
import { bookAccepted, createHarness, identity, seedDemoSchool, text, type Harness } from '../../support/harness';
import { buttonsOf, formOf, type Message } from '../../../src/messages/model';

let h: Harness;
beforeEach(async () => {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
  seedDemoSchool(h);
  bookAccepted(h); // weekly on Tuesdays, 14:00
  for (const [slot, wording] of [
    [1, 'Guided reading in every K-2 room'],
    [2, 'Attendance'],
  ] as const) {
    h.run('pat', `priorities set ${slot} ${wording}`);
    const dm = (await h.deliver()).find((d) => d.to === 'casey' && buttonsOf(d.message).some((b) => b.label === 'Accept'))!;
    h.press('casey', dm.message, 'Accept');
  }
  await h.deliver();
});
afterEach(() => h.close());

const tenantId = (): number => h.user('pat').tenantId;
const pid = (): number => h.core.services.series.liveSeriesOfUser(tenantId(), h.user('pat').id)[0].partnershipId;
const tags = (): string[] => h.core.services.agenda.openItems(tenantId(), pid()).map((i) => `${i.text}|${i.prioritySlot ?? '-'}`);
const listed = (m: Message): string[] => m.blocks.flatMap((b) => (b.type === 'list' ? b.items : []));

it('typed: priority:2, priorities:1 and p2, before or after the section; shown as → P2 on the agenda', () => {
  expect(text(h.run('pat', 'add data priority:2 Attendance dip in grade 4'))).toContain('(Student data, → P2): Attendance dip in grade 4');
  h.run('casey', 'add priorities:1 Running records in K');
  h.run('casey', 'add p2 wins Perfect attendance in room 9');
  h.run('pat', 'add Review the p2 chart');
  expect(tags()).toEqual(['Attendance dip in grade 4|2', 'Running records in K|1', 'Perfect attendance in room 9|2', 'Review the p2 chart|-']);
  const agenda = listed(h.run('pat', 'agenda').messages[0]);
  expect(agenda.find((l) => l.includes('Attendance dip'))).toMatch(/→ P2/);
  expect(agenda.find((l) => l.includes('Running records'))).toMatch(/→ P1/);
  expect(agenda.find((l) => l.includes('p2 chart'))).not.toMatch(/→/);
});

it('a tag needs an agreed priority; a bad number gets the reason and the usage line', () => {
  expect(text(h.run('pat', 'add priority:3 Something'))).toContain('There is no shared priority 3 yet');
  const bad = text(h.run('pat', 'add priority:7 Something'));
  expect(bad).toContain('priority 7');
  expect(bad).toContain('add [section]');
  h.run('casey', 'priorities set 3 Writing workshop');
  expect(text(h.run('pat', 'add p3 Something'))).toContain('There is no shared priority 3 yet (it waits for your answer)');
  expect(tags()).toEqual([]);
});

it('the add form offers the agreed priorities as a choice', () => {
  const form = formOf(h.run('pat', 'add').messages[0])!;
  const choice = form.inputs.find((i) => i.id === 'priority')!;
  expect(choice.kind).toBe('choice');
  expect(choice.required).toBe(false);
  expect(choice.choices!.map((c) => c.label)).toEqual(['1. Guided reading in every K-2 room', '2. Attendance']);
  const r = h.core.app.submitForm({ identity: identity('pat') }, form.formId, { section: 'data', text: 'Chronic absence list', priority: '2' });
  expect(text(r.reply)).toContain('→ P2');
  expect(tags()).toEqual(['Chronic absence list|2']);
  const bad = h.core.app.submitForm({ identity: identity('pat') }, form.formId, { section: 'data', text: 'x', priority: '9' });
  expect(text(bad.reply)).toContain('priority');
});

it('next steps in the notes form can be tagged; clearing a priority untags its items and action items', async () => {
  h.run('pat', 'add p2 Attendance dip in grade 4');
  const sent = await h.advance(32 * 3_600_000); // past Tue 24 Nov 14:30: "Did it happen?"
  const question = sent.find((d) => d.to === 'pat' && d.message.blocks.some((b) => b.type === 'header' && b.text === 'Did it happen?'))!;
  const form = formOf(h.press('pat', question.message, 'Held').messages[1])!;
  expect(form.inputs.filter((i) => i.id.startsWith('priority')).map((i) => i.id)).toEqual(['priority', 'priority_2', 'priority_3']);
  const owner = form.inputs.find((i) => i.id === 'owner')!.choices!.find((c) => c.label === 'Casey Lee')!.value;
  const item = h.core.services.agenda.openItems(tenantId(), pid())[0];
  const saved = h.core.app.submitForm({ identity: identity('pat') }, form.formId, {
    [`item_${item.id}`]: 'carry',
    decision: 'Call the families of the 12 students',
    owner,
    due: '2026-12-01',
    priority: '2',
  });
  expect(text(saved.reply)).toContain('Call the families');
  const actions = h.core.services.agenda.openActions(tenantId(), pid());
  expect(actions.map((a) => `${a.text}|${a.prioritySlot ?? '-'}`)).toEqual(['Call the families of the 12 students|2']);
  expect(listed(h.run('pat', 'agenda').messages[0]).find((l) => l.includes('Call the families'))).toMatch(/→ P2/);

  h.run('pat', 'priorities clear 2');
  h.run('casey', 'priorities accept 2');
  expect(tags()).toEqual(['Attendance dip in grade 4|-']);
  expect(h.core.services.agenda.openActions(tenantId(), pid()).map((a) => a.prioritySlot)).toEqual([null]);
  expect(listed(h.run('pat', 'agenda').messages[0]).join('\n')).not.toContain('→ P2');
});
