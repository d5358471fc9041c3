/**
 * Shortcuts for the meeting-notes and history tests: the demo school with pat ↔ casey booked
 * weekly on Tuesdays 14:00–14:30 New York from Mon 23 Nov 2026, and ways to reach its meetings.
 */
import type { Reply } from '../../../src/core/context';
import type { Actor, Occurrence } from '../../../src/core/model';
import type { LocalDate } from '../../../src/core/datetime';
import { formOf, type Message } from '../../../src/messages/model';
import type { FormOutcome } from '../../../src/core/app';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import { bookAccepted, createHarness, inbound, seedDemoSchool, type Harness } from '../../support/harness';

export interface NotesRig {
  h: Harness;
  tenantId: number;
  /** The meeting of the pat ↔ casey series on that date. */
  meeting(date: LocalDate): Occurrence;
  /** Sets the clock (an ISO instant). */
  at(iso: string): void;
  action(handle: string, actionId: string, value: string): Reply;
  submit(handle: string, formId: string, values: Record<string, string | undefined>): FormOutcome;
  home(handle: string): Message;
  actor(handle: string): Actor;
}

export function notesRig(): NotesRig {
  const h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
  seedDemoSchool(h);
  bookAccepted(h); // weekly on Tuesdays, 14:00–14:30
  const tenantId = h.user('pat').tenantId;
  const seriesId = h.core.services.series.liveSeriesOfUser(tenantId, h.user('pat').id)[0].id;
  return {
    h,
    tenantId,
    meeting(date) {
      const o = h.core.services.series.occurrencesInDates(tenantId, seriesId, date, date)[0];
      if (!o) throw new Error(`no meeting on ${date}`);
      return o;
    },
    at: (iso) => h.clock.set(new Date(iso)),
    action: (handle, actionId, value) => h.core.app.action(inbound(handle), actionId, value),
    submit: (handle, formId, values) => h.core.app.submitForm(inbound(handle), formId, values),
    home: (handle) => h.core.app.home(inbound(handle)),
    actor(handle) {
      const user = h.user(handle);
      return { user, tenant: h.core.services.people.tenantById(tenantId)!, memberships: h.core.services.people.membershipsOf(tenantId, user.id) };
    },
  };
}

/** Everything a person is shown of a message: its fallback text and its body as plain text. */
export const shown = (m: Message): string => `${m.text}\n${renderPlainText(m)}`;
export const shownAll = (r: Reply): string => r.messages.map(shown).join('\n');

export const formIn = (r: Reply): NonNullable<ReturnType<typeof formOf>> => {
  const form = r.messages.map(formOf).find((f) => f !== undefined);
  if (!form) throw new Error(`no form in: ${r.messages.map((m) => m.text).join('\n')}`);
  return form;
};
