/**
 * App Home's agenda section says what the agenda says: "→ P2" tags, the priority changes waiting
 * for the viewer, and overdue action items marked with how long.
 */
import { bookAccepted, createHarness, inbound, seedDemoSchool, type Harness } from '../../support/harness';
import { buttonsOf } from '../../../src/messages/model';
import { renderPlainText } from '../../../adapters/console/render-plain-text';

let h: Harness;
beforeEach(async () => {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
  seedDemoSchool(h);
  bookAccepted(h); // weekly on Tuesdays, 14:00
  h.run('pat', 'priorities set 2 Attendance');
  const dm = (await h.deliver()).find((d) => d.to === 'casey' && buttonsOf(d.message).some((b) => b.label === 'Accept'))!;
  h.press('casey', dm.message, 'Accept');
  await h.deliver();
});
afterEach(() => h.close());

const home = (handle: string): string => renderPlainText(h.core.app.home(inbound(handle)));

it('agenda items show the priority they serve', () => {
  h.run('pat', 'add p2 Attendance dip in grade 4');
  expect(home('pat')).toMatch(/Attendance dip in grade 4 → P2/);
});

it('a priority change waiting for the viewer is counted with the command to answer it; not for its proposer', () => {
  h.run('casey', 'priorities set 1 Guided reading in every K-2 room');
  expect(home('pat')).toContain('1 change waiting for you: /touchpoint priorities');
  expect(home('casey')).not.toContain('waiting for you');
});

it('an overdue action item is marked with how long, like the agenda does', () => {
  const pat = h.user('pat');
  const pid = h.core.services.series.liveSeriesOfUser(pat.tenantId, pat.id)[0].partnershipId;
  h.core.services.agenda.addAction(
    pat.tenantId,
    { partnershipId: pid, occurrenceId: null, text: 'Share the walkthrough tool', ownerId: pat.id, dueDate: '2026-11-25', createdBy: pat.id, prioritySlot: 2 },
    h.clock.now(),
  );
  h.clock.set(new Date('2026-12-07T14:00:00Z')); // Mon 7 Dec
  expect(home('pat')).toMatch(/Share the walkthrough tool → P2 — .*due Wed 25 Nov 2026, overdue 8 school days \(12 days\)/);
});
