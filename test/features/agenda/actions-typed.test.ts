/**
 * Typed action-item commands (`actions done|redate|reassign <n>`, n as numbered in the list) and
 * overdue counts that leave out a partnership's pause.
 */
import { bookAccepted, createHarness, seedDemoSchool, text, type Harness } from '../../support/harness';
import type { Message } from '../../../src/messages/model';
import type { LocalDate } from '../../../src/core/datetime';
import { planActionDue } from '../../../src/features/agenda/reminders';

let h: Harness;
afterEach(() => h.close());

/** Pat's item due Wed 25 Nov, Casey's due Thu 10 Dec and Pat's due Fri 11 Dec; it is Mon 7 Dec. */
async function setup(beforeItemsDue?: () => void): Promise<{ pat1: number; casey: number; pat2: number }> {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
  seedDemoSchool(h);
  bookAccepted(h); // weekly on Tuesdays, 14:00
  const pat = h.user('pat');
  const pid = h.core.services.series.liveSeriesOfUser(pat.tenantId, pat.id)[0].partnershipId;
  const add = (ownerId: number, itemText: string, dueDate: LocalDate): number => {
    const a = h.core.services.agenda.addAction(
      pat.tenantId,
      { partnershipId: pid, occurrenceId: null, text: itemText, ownerId, dueDate, createdBy: pat.id },
      h.clock.now(),
    );
    planActionDue(h.core.services, pat.tenantId, a, h.clock.now());
    return a.id;
  };
  const pat1 = add(pat.id, 'Share the walkthrough tool with grade leads', '2026-11-25');
  const casey = add(h.user('casey').id, 'Model a guided reading lesson in room 12', '2026-12-10');
  const pat2 = add(pat.id, 'Book the data room for January', '2026-12-11');
  beforeItemsDue?.();
  h.clock.set(new Date('2026-12-07T14:00:00Z')); // Mon 7 Dec 09:00 New York
  await h.deliver();
  return { pat1, casey, pat2 };
}

const actionOf = (id: number) => h.core.services.agenda.actionById(h.user('pat').tenantId, id)!;
const listed = (m: Message): string =>
  m.blocks.flatMap((b) => (b.type === 'text' || b.type === 'context' ? [b.text] : b.type === 'list' ? b.items : [])).join('\n');

it('numbers each open item, mine then ours, in the list and its fallback text alike', async () => {
  await setup();
  const m = h.run('pat', 'actions').messages[0];
  const body = listed(m);
  expect(body).toMatch(/^1\. Share the walkthrough tool/m);
  expect(body).toMatch(/^2\. Book the data room for January/m);
  expect(body).toMatch(/^3\. Model a guided reading lesson/m);
  expect(m.text).toMatch(/^1\. Share the walkthrough tool/m);
  expect(m.text).toMatch(/^3\. Model a guided reading lesson/m);
  expect(body).toContain('/touchpoint actions done|redate|reassign <n>');
});

it('actions done <n> closes the item numbered n, and the numbers move up after it', async () => {
  const { pat1, pat2 } = await setup();
  expect(text(h.run('pat', 'actions done 1'))).toContain('Done: Share the walkthrough tool with grade leads');
  expect(actionOf(pat1).status).toBe('done');
  expect(listed(h.run('pat', 'actions').messages[0])).toMatch(/^1\. Book the data room for January/m);
  h.run('pat', 'actions done 1');
  expect(actionOf(pat2).status).toBe('done');
});

it('actions redate <n> <date> moves the due date and tells the owner when it is theirs', async () => {
  const { casey } = await setup();
  expect(text(h.run('pat', 'actions redate 3 2026-12-17'))).toBe('Now due Thu 17 Dec 2026: Model a guided reading lesson in room 12');
  expect(actionOf(casey).dueDate).toBe('2026-12-17');
  const told = (await h.deliver()).filter((d) => d.to === 'casey').map((d) => d.message.text);
  expect(told).toContain('Pat Rivera moved the due date to Thu 17 Dec 2026: Model a guided reading lesson in room 12');
});

it('actions reassign <n> hands the item to the other member', async () => {
  const { pat1 } = await setup();
  expect(text(h.run('pat', 'actions reassign 1'))).toBe('Now Casey Lee’s: Share the walkthrough tool with grade leads');
  expect(actionOf(pat1).ownerId).toBe(h.user('casey').id);
});

it('a bad number, a missing date or a past date gets one clear line and the usage', async () => {
  const { pat1 } = await setup();
  const bad = text(h.run('pat', 'actions done 9'));
  expect(bad).toContain('There is no open action item 9: /touchpoint actions numbers them 1 to 3.');
  expect(text(h.run('pat', 'actions done x'))).toContain('"x" is not an action item number');
  expect(text(h.run('pat', 'actions done'))).toContain('say which action item: its number in /touchpoint actions');
  expect(text(h.run('pat', 'actions redate 1'))).toContain('missing the new due date');
  expect(text(h.run('pat', 'actions redate 1 2026-12-01'))).toContain('the due date is in the past');
  expect(text(h.run('pat', 'actions finish 1'))).toContain('"finish" is not done, redate or reassign');
  expect(text(h.run('pat', 'actions done 1'))).toContain('Done:');
  expect(actionOf(pat1).status).toBe('done');
});

it('a teacher typing actions done gets the role-aware refusal, nothing changes', async () => {
  const { pat1 } = await setup();
  expect(text(h.run('taylor', 'actions done 1'))).toContain('/coaching request');
  expect(actionOf(pat1).status).toBe('open');
});

it('school days inside the partnership’s pause are not counted as overdue days', async () => {
  await setup(() => {
    // Mon 23 Nov: paused until Wed 2 Dec, so Thu 26, Fri 27, Mon 30 Nov and Tue 1 Dec do not count.
    const ask = h.run('pat', 'pause until 2026-12-02');
    h.press('pat', ask.messages[ask.messages.length - 1], 'Confirm');
  });
  const all = text(h.run('pat', 'actions'));
  expect(all).toContain('overdue 4 school days (12 days)');
  expect(text(h.run('pat', 'agenda'))).toContain('overdue 4 school days (12 days)');
});

it('a pause still counts as such once the audit log that recorded it is gone (retention)', async () => {
  await setup(() => {
    const ask = h.run('pat', 'pause until 2026-12-02');
    h.press('pat', ask.messages[ask.messages.length - 1], 'Confirm');
  });
  h.core.db.prepare('DELETE FROM audit_log').run();
  expect(text(h.run('pat', 'actions'))).toContain('overdue 4 school days (12 days)');
});

it('a pause resumed early leaves out only the days it was in force', async () => {
  await setup(() => {
    const ask = h.run('pat', 'pause until 2026-12-02');
    h.press('pat', ask.messages[ask.messages.length - 1], 'Confirm');
    h.clock.set(new Date('2026-11-27T14:00:00Z')); // Fri 27 Nov 09:00: back on; only Thu 26 was paused among the overdue days
    expect(text(h.run('pat', 'resume'))).not.toMatch(/not paused/);
  });
  expect(text(h.run('pat', 'actions'))).toContain('overdue 7 school days (12 days)');
});
