/**
 * A proposed priority is partnership text like any other: a teacher named in it is stored as a
 * reference, and `forget-me` takes their name out of the written forms too.
 */
import { bookAccepted, createHarness, seedDemoSchool, text, type Harness } from '../../support/harness';

let h: Harness;
afterEach(() => h.close());

it('forget-me scrubs a teacher’s name from an open proposal', async () => {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') });
  seedDemoSchool(h); // taylor: Taylor Morgan, a teacher
  bookAccepted(h);
  h.run('pat', 'priorities set 1 Small groups with Ms. Morgan and T. Morgan');
  const stored = (): string[] => (h.core.db.prepare('SELECT text FROM priority_proposals').all() as { text: string }[]).map((r) => r.text);
  expect(stored()[0]).toContain('Morgan');
  await h.deliver();

  const confirm = h.run('taylor', 'forget-me', { root: 'coaching' }).messages[0];
  expect(text(h.press('taylor', confirm, 'Erase everything'))).toMatch(/^Done\./);
  expect(stored()).toEqual(['Small groups with a teacher and a teacher']);
  expect(text(h.run('casey', 'priorities'))).toContain('1. Small groups with a teacher and a teacher (proposed by Pat Rivera, waiting for you)');
});
