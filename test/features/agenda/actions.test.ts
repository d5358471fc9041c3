/**
 * `/touchpoint actions`: the actor's action items (mine, and the other person's in my
 * partnerships), overdue first, with Done / Re-date / Reassign; and overdue items at the top of
 * the compiled agenda.
 */
import { bookAccepted, createHarness, identity, seedDemoSchool, seedSchool, text, type Harness } from '../../support/harness';
import { formOf, type Message } from '../../../src/messages/model';
import type { LocalDate } from '../../../src/core/datetime';
import { planActionDue } from '../../../src/features/agenda/reminders';

let h: Harness;
afterEach(() => h.close());

async function setup(): Promise<{ patItem: number; caseyItem: number }> {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
  seedDemoSchool(h);
  bookAccepted(h); // weekly on Tuesdays, 14:00
  const pat = h.user('pat');
  const casey = h.user('casey');
  const pid = h.core.services.series.liveSeriesOfUser(pat.tenantId, pat.id)[0].partnershipId;
  const add = (ownerId: number, text: string, dueDate: LocalDate): number => {
    const a = h.core.services.agenda.addAction(
      pat.tenantId,
      { partnershipId: pid, occurrenceId: null, text, ownerId, dueDate, createdBy: pat.id },
      h.clock.now(),
    );
    planActionDue(h.core.services, pat.tenantId, a, h.clock.now()); // as the notes form does
    return a.id;
  };
  const patItem = add(pat.id, 'Share the walkthrough tool with grade leads', '2026-11-25');
  const caseyItem = add(casey.id, 'Model a guided reading lesson in room 12', '2026-12-10');
  h.clock.set(new Date('2026-12-07T14:00:00Z')); // Mon 7 Dec 09:00 New York
  await h.deliver(); // what was due before (the agreement, the agenda prompt)
  return { patItem, caseyItem };
}

const blockTexts = (m: Message): string[] =>
  m.blocks.flatMap((b) => (b.type === 'text' || b.type === 'context' || b.type === 'header' ? [b.text] : b.type === 'list' ? b.items : []));
const actionOf = (id: number) => h.core.services.agenda.actionById(h.user('pat').tenantId, id)!;
const auditCount = (action: string): number =>
  h.core.services.audit
    .auditOfSchool(h.user('pat').tenantId, h.core.services.people.schoolsOfTenant(h.user('pat').tenantId)[0].id)
    .filter((e) => e.action === action).length;

it('lists mine and ours, overdue first with how long, then what was done recently', async () => {
  const { patItem } = await setup();
  const reply = h.run('pat', 'actions');
  const m = reply.messages[0];
  const all = text(reply);
  expect(all).toContain('Share the walkthrough tool with grade leads');
  expect(all).toContain('overdue 8 school days (12 days)');
  expect(all).toContain('Model a guided reading lesson in room 12');
  const lines = blockTexts(m).join('\n');
  expect(lines.indexOf('Mine')).toBeLessThan(lines.indexOf('Share the walkthrough'));
  expect(lines.indexOf('Ours')).toBeGreaterThan(lines.indexOf('Share the walkthrough'));
  expect(lines).toContain('Casey Lee');
  const labels = m.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons.map((x) => `${x.label}=${x.value}`) : []));
  expect(labels).toContain(`Done=${patItem}`);
  expect(labels).toContain(`Re-date=${patItem}`);
  expect(labels).toContain(`Reassign to Casey Lee=${patItem}:${h.user('casey').id}`);

  h.press('pat', m, 'Done');
  const after = blockTexts(h.run('pat', 'actions').messages[0]).join('\n');
  expect(after).toContain('Recently done');
  expect(after.indexOf('Recently done')).toBeGreaterThan(after.indexOf('Model a guided reading'));
});

it('Done closes the item once, audits it, tells the owner once; outsiders and a second press change nothing', async () => {
  const { caseyItem } = await setup();
  seedSchool(h, { name: 'Other School', members: [['sam', 'Sam Ortiz', 'principal']] });
  const m = h.run('pat', 'actions').messages[0];
  const caseyRow = (msg: Message): Message => ({ ...msg, blocks: msg.blocks.filter((b) => b.type !== 'actions' || b.buttons[0].value === String(caseyItem)) });
  expect(text(h.press('taylor', caseyRow(m), 'Done'))).not.toContain('Done:');
  expect(text(h.press('sam', caseyRow(m), 'Done'))).not.toContain('Done:');
  expect(actionOf(caseyItem).status).toBe('open');

  expect(text(h.press('pat', caseyRow(m), 'Done'))).toContain('Done: Model a guided reading lesson in room 12');
  expect(text(h.press('pat', caseyRow(m), 'Done'))).toContain('already done');
  expect(actionOf(caseyItem).status).toBe('done');
  expect(auditCount('action.done')).toBe(1);
  const dms = (await h.deliver()).filter((d) => d.to === 'casey');
  expect(dms).toHaveLength(1);
  expect(dms[0].message.text).toContain('Pat Rivera marked done: Model a guided reading lesson in room 12');
});

it('Re-date opens a form with a date; the new due date moves the reminder onto an open school day', async () => {
  const { patItem } = await setup();
  const m = h.run('pat', 'actions').messages[0];
  const form = formOf(h.press('pat', m, 'Re-date').messages[0])!;
  expect(form.inputs.map((i) => `${i.id}:${i.kind}`)).toEqual(['due:date']);
  const submit = (due: string) => h.core.app.submitForm({ identity: identity('pat') }, form.formId, { due });
  expect(text(submit('2026-12-01').reply)).toContain('past');
  expect(actionOf(patItem).dueDate).toBe('2026-11-25');
  const reply = submit('2026-12-12'); // a Saturday
  expect(text(reply.reply)).toContain('Sat 12 Dec');
  expect(actionOf(patItem).dueDate).toBe('2026-12-12');
  expect(auditCount('action.redate')).toBe(1);
  const pending = h.core.services.outbox.forRecipient(h.user('pat').id).filter((r) => r.kind === 'action.due' && r.status === 'pending');
  expect(pending.map((r) => r.dueAt.toISOString())).toEqual(['2026-12-14T13:00:00.000Z']); // Mon 14 Dec 08:00 New York
  expect((await h.deliver()).filter((d) => d.to === 'casey')).toHaveLength(0); // pat's own item: nobody else to tell
});

it('Reassign hands the item to the other member, tells them once, and moves its reminder to them', async () => {
  const { patItem, caseyItem } = await setup();
  const m = h.run('pat', 'actions').messages[0];
  expect(text(h.press('pat', m, 'Reassign to Casey Lee'))).toContain('Casey Lee');
  expect(actionOf(patItem).ownerId).toBe(h.user('casey').id);
  expect(text(h.press('pat', m, 'Reassign to Casey Lee'))).toContain('already');
  expect(auditCount('action.reassign')).toBe(1);
  const dms = (await h.deliver()).filter((d) => d.to === 'casey');
  expect(dms).toHaveLength(1);
  expect(dms[0].message.text).toContain('Share the walkthrough tool with grade leads');

  // Casey's item, due Thu 10 Dec, taken over by pat: its reminder goes to pat now, not to casey.
  const pending = (handle: string) =>
    h.core.services.outbox
      .forRecipient(h.user(handle).id)
      .filter((r) => r.kind === 'action.due' && r.status === 'pending' && r.compose?.actionId === caseyItem);
  expect(pending('casey')).toHaveLength(1);
  expect(text(h.press('pat', m, 'Reassign to Pat Rivera'))).toContain('Pat Rivera');
  expect(pending('casey')).toHaveLength(0);
  expect(pending('pat').map((r) => r.dueAt.toISOString())).toEqual(['2026-12-10T13:00:00.000Z']);
});

it('the compiled agenda puts overdue action items at the top, with how long they are overdue', async () => {
  await setup();
  const m = h.run('pat', 'agenda').messages[0];
  const lines = blockTexts(m);
  const overdue = lines.findIndex((l) => l.includes('Overdue'));
  expect(overdue).toBeGreaterThan(-1);
  expect(overdue).toBeLessThan(lines.findIndex((l) => l.includes('Shared priorities')));
  expect(lines.join('\n')).toContain('overdue 8 school days (12 days)');
  expect(m.text).toContain('overdue 8 school days');
});

it('the notes form takes up to three next steps at once, each an action item with its reminder', async () => {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
  seedDemoSchool(h);
  bookAccepted(h); // weekly on Tuesdays, 14:00–14:30
  const sent = await h.advance(32 * 3_600_000); // past Tue 24 Nov 14:30: "Did it happen?"
  const question = sent.find((d) => d.to === 'pat' && d.message.blocks.some((b) => b.type === 'header' && b.text === 'Did it happen?'))!;
  const form = formOf(h.press('pat', question.message, 'Held').messages[1])!;
  const owner = (id: string, name: string): string => form.inputs.find((i) => i.id === id)!.choices!.find((c) => c.label === name)!.value;
  expect(form.inputs.filter((i) => i.id.startsWith('decision')).map((i) => i.id)).toEqual(['decision', 'decision_2', 'decision_3']);
  const submit = (values: Record<string, string>) => h.core.app.submitForm({ identity: identity('pat') }, form.formId, values);
  expect(text(submit({ decision_2: 'Plan the data meeting' }).reply)).toContain('owner');
  const reply = submit({
    decision: 'Share the walkthrough tool',
    owner: owner('owner', 'Pat Rivera'),
    due: '2026-11-30',
    decision_2: 'Model a lesson in room 12',
    owner_2: owner('owner_2', 'Casey Lee'),
    due_2: '2026-12-02',
    decision_3: 'Plan the data meeting',
    owner_3: owner('owner_3', 'Casey Lee'),
    due_3: '2026-12-03',
  });
  expect(text(reply.reply)).toContain('Model a lesson in room 12');
  const pat = h.user('pat');
  const pid = h.core.services.series.liveSeriesOfUser(pat.tenantId, pat.id)[0].partnershipId;
  const open = h.core.services.agenda.openActions(pat.tenantId, pid);
  expect(open.map((a) => `${a.text}|${a.dueDate}`)).toEqual([
    'Share the walkthrough tool|2026-11-30',
    'Model a lesson in room 12|2026-12-02',
    'Plan the data meeting|2026-12-03',
  ]);
  const due = h.core.services.outbox.forRecipient(h.user('casey').id).filter((r) => r.kind === 'action.due' && r.status === 'pending');
  expect(due).toHaveLength(2);
});
