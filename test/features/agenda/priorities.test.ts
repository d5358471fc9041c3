/**
 * Shared priorities both own: a change by one member (a new priority, new wording, clearing one)
 * is a proposal the other accepts or declines ("Keep mine"); until then the current one stands.
 */
import { bookAccepted, createHarness, seedDemoSchool, text, type Harness, type SentDm } from '../../support/harness';
import { buttonsOf } from '../../../src/messages/model';
import type { Reply } from '../../../src/core/context';
import { renderPlainText } from '../../../adapters/console/render-plain-text';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
  seedDemoSchool(h); // pat (principal), casey (coach)
  bookAccepted(h); // weekly on Tuesdays, 14:00
});
afterEach(() => h.close());

/** What the person reads (the console's rendering of the blocks). */
const shown = (r: Reply): string => r.messages.map(renderPlainText).join('\n');
const first = (r: Reply): string => r.messages[0].text;
const stored = (): string[] => {
  const pat = h.user('pat');
  const pid = h.core.services.series.liveSeriesOfUser(pat.tenantId, pat.id)[0].partnershipId;
  return h.core.services.agenda.priorities(pat.tenantId, pid).map((p) => `${p.slot}. ${p.text}`);
};
/** The proposal DMs delivered now to a person. */
async function proposalsTo(handle: string): Promise<SentDm[]> {
  return (await h.deliver()).filter((d) => d.to === handle && d.message.blocks.some((b) => b.type === 'header' && b.text === 'Shared priority'));
}
/** Priority `slot` agreed by both: pat proposes, casey accepts. */
async function agreed(slot: number, wording: string): Promise<void> {
  h.run('pat', `priorities set ${slot} ${wording}`);
  const [dm] = await proposalsTo('casey');
  h.press('casey', dm.message, 'Accept');
  await h.deliver();
}

it('a first priority is proposed to the other person, who accepts it; both are told in one line', async () => {
  const reply = h.run('pat', 'priorities set 1 Guided reading in every K-2 room');
  expect(text(reply)).toContain('Proposed to Casey Lee: priority 1, “Guided reading in every K-2 room”.');
  expect(buttonsOf(reply.messages[0]).map((b) => b.label)).toEqual(['Withdraw']);
  expect(stored()).toEqual([]);
  expect(shown(h.run('pat', 'priorities'))).toContain('1. Guided reading in every K-2 room (proposed by you, waiting for Casey Lee)');

  const [dm] = await proposalsTo('casey');
  expect(dm.message.text).toContain('Pat Rivera proposes shared priority 1: “Guided reading in every K-2 room”');
  expect(dm.message.text).toContain('Now: not set');
  expect(buttonsOf(dm.message).map((b) => b.label)).toEqual(['Accept', 'Leave it empty']);

  const accepted = h.press('casey', dm.message, 'Accept');
  expect(accepted.messages).toHaveLength(1);
  expect(text(accepted)).toBe('Accepted: shared priority 1 is now “Guided reading in every K-2 room”. Pat Rivera has been told.');
  expect(stored()).toEqual(['1. Guided reading in every K-2 room']);
  const told = (await h.deliver()).filter((d) => d.to === 'pat');
  expect(told.map((d) => d.message.text)).toEqual(['Casey Lee accepted: shared priority 1 is now “Guided reading in every K-2 room”.']);
  expect(shown(h.run('casey', 'priorities'))).toContain('1. Guided reading in every K-2 room');
  // Pressed again: already answered, nothing changes.
  expect(text(h.press('casey', dm.message, 'Accept'))).toContain('already been answered');
});

it('the coach cannot overwrite the principal’s priority: the change waits, and "Keep mine" keeps it', async () => {
  await agreed(3, 'Family engagement nights');
  const reply = h.run('casey', 'priorities set 3 Attendance for every grade');
  expect(text(reply)).toContain('Until Pat Rivera accepts, priority 3 stays “Family engagement nights”.');
  expect(stored()).toEqual(['3. Family engagement nights']);
  expect(shown(h.run('pat', 'priorities'))).toContain(
    '3. Family engagement nights (change proposed by Casey Lee, waiting for you: “Attendance for every grade”)',
  );
  expect(shown(h.run('pat', 'agenda'))).toContain('P3 Family engagement nights (change proposed by Casey Lee, waiting for you: “Attendance for every grade”)');

  // The list offers the answer to whom it waits for, and the withdrawal to whom proposed it.
  expect(buttonsOf(h.run('pat', 'priorities').messages[0]).map((b) => b.label)).toEqual(['Accept P3', 'Keep mine P3']);
  expect(buttonsOf(h.run('casey', 'priorities').messages[0]).map((b) => b.label)).toEqual(['Withdraw P3']);

  const [dm] = await proposalsTo('pat');
  expect(dm.message.text).toContain('Now: “Family engagement nights”');
  expect(dm.message.text).toContain('Proposed: “Attendance for every grade”');
  expect(buttonsOf(dm.message).map((b) => b.label)).toEqual(['Accept', 'Keep mine']);
  expect(text(h.press('pat', dm.message, 'Keep mine'))).toBe('Kept: shared priority 3 stays “Family engagement nights”. Casey Lee has been told.');
  expect(stored()).toEqual(['3. Family engagement nights']);
  const told = (await h.deliver()).filter((d) => d.to === 'casey');
  expect(told.map((d) => d.message.text)).toEqual(['Pat Rivera kept shared priority 3 as it is: “Family engagement nights”.']);
  expect(shown(h.run('pat', 'priorities'))).toContain('3. Family engagement nights');
});

it('a second proposal on the same slot replaces the first; the first one’s buttons say so', async () => {
  await agreed(2, 'Math talks');
  h.run('casey', 'priorities set 2 Number talks daily');
  const [first] = await proposalsTo('pat');
  h.run('casey', 'priorities set 2 Number talks in grades 3-5');
  const [second] = await proposalsTo('pat');
  expect(text(h.press('pat', first.message, 'Accept'))).toContain('That proposal was replaced');
  expect(stored()).toEqual(['2. Math talks']);
  h.press('pat', second.message, 'Accept');
  expect(stored()).toEqual(['2. Number talks in grades 3-5']);
});

it('the proposer withdraws (typed or with the button); the proposer cannot accept their own', async () => {
  await agreed(1, 'Guided reading');
  const proposed = h.run('casey', 'priorities set 1 Guided reading K-3');
  expect(text(h.run('casey', 'priorities accept 1'))).toContain('You proposed this change; Pat Rivera answers it.');
  const [dm] = await proposalsTo('pat');
  expect(first(h.press('casey', proposed.messages[0], 'Withdraw'))).toBe('Withdrawn: shared priority 1 stays “Guided reading”.');
  expect(text(h.press('pat', dm.message, 'Accept'))).toContain('Casey Lee withdrew that proposal.');
  expect(stored()).toEqual(['1. Guided reading']);
  expect(text(h.run('casey', 'priorities withdraw 1'))).toContain('You have no open proposal for priority 1.');

  h.run('casey', 'priorities set 1 Guided reading K-3');
  expect(first(h.run('casey', 'priorities withdraw 1'))).toBe('Withdrawn: shared priority 1 stays “Guided reading”.');
});

it('clearing is a proposal too; typed accept and keep work like the buttons', async () => {
  await agreed(1, 'Guided reading');
  await agreed(2, 'Math talks');
  expect(text(h.run('pat', 'priorities clear 2'))).toContain('Proposed to Casey Lee: clear priority 2');
  expect(stored()).toEqual(['1. Guided reading', '2. Math talks']);
  expect(shown(h.run('casey', 'priorities'))).toContain('2. Math talks (clearing proposed by Pat Rivera, waiting for you)');
  expect(text(h.run('casey', 'priorities accept 2'))).toBe('Accepted: shared priority 2 is cleared. Pat Rivera has been told.');
  expect(stored()).toEqual(['1. Guided reading']);

  h.run('pat', 'priorities set 1 Guided reading, K-2');
  expect(text(h.run('casey', 'priorities keep 1'))).toContain('Kept: shared priority 1 stays “Guided reading”.');
  expect(text(h.run('casey', 'priorities keep 1'))).toContain('There is no open proposal for priority 1.');
});

it('add takes the first slot neither set nor proposed; a proposal that changes nothing is refused', async () => {
  await agreed(1, 'Guided reading');
  h.run('casey', 'priorities add Math talks');
  expect(text(h.run('pat', 'priorities add Attendance'))).toContain('priority 3');
  expect(first(h.run('pat', 'priorities set 1 Guided reading'))).toBe('Priority 1 already reads “Guided reading”.');
  expect(first(h.run('casey', 'priorities clear 3'))).toBe('Priority 3 is not set yet; Pat Rivera’s proposal for it waits for your answer.');
  // Clearing your own proposal for an empty slot withdraws it.
  expect(first(h.run('pat', 'priorities clear 3'))).toBe('Withdrawn: shared priority 3 stays empty.');
});

it('the help text says changes are proposed to the other person', () => {
  const line = text(h.run('pat', 'help'))
    .split('\n')
    .find((l) => l.includes('priorities ['))!;
  expect(line).toContain('withdraw <1-3>');
  expect(line).toContain('the other person accepts');
});
