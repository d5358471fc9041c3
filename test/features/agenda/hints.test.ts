/**
 * Every hint a person sees is one they can act on: a teacher, who cannot book touch-points, is
 * pointed to /coaching request; a principal or coach with no touch-point is pointed to booking.
 */
import { createHarness, inbound, seedDemoSchool, type Harness } from '../../support/harness';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import type { Reply } from '../../../src/core/context';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') });
  seedDemoSchool(h);
});
afterEach(() => h.close());

const shown = (r: Reply): string => r.messages.map((m) => `${m.text}\n${renderPlainText(m)}`).join('\n');
const home = (handle: string): string => {
  const m = h.core.app.home(inbound(handle));
  return `${m.text}\n${renderPlainText(m)}`;
};

it.each(['actions', 'next', 'agenda'])('a teacher typing %s is pointed to /coaching request, never told to book', (command) => {
  const out = shown(h.run('taylor', command));
  expect(out).not.toMatch(/book one|\/touchpoint book/i);
  expect(out).toContain('/coaching request');
});

it('a teacher’s App Home never tells them to book', () => {
  expect(home('taylor')).not.toMatch(/book one|\/touchpoint book/i);
});

it.each(['pat', 'casey'])('%s, who books, is pointed to booking by actions, next and agenda', (handle) => {
  for (const command of ['actions', 'next', 'agenda']) expect(shown(h.run(handle, command))).toContain('/touchpoint book @name weekly tue 14:00');
  expect(home(handle)).toContain('/touchpoint book @name weekly tue 14:00');
});
