/**
 * `/touchpoint history [n]`: the partnership's last touch-points — whether each was held, missed
 * or skipped (and why), the items discussed or dropped there, the decisions and next steps made
 * there (action items), the escalations discussed and their outcome (as the viewer may read them),
 * its shared notes, and the viewer's own private notes. Also the "Last
 * touch-point" section of App Home, and the past meetings' part of the calendar feed.
 */
import { z } from 'zod';
import type { Reply, RequestContext, Services } from '../../core/context';
import type { Actor, Occurrence } from '../../core/model';
import type { ActionItem } from '../../core/ports';
import type { CommandRegistry, CommandSpec } from '../../core/registry';
import { takeWith } from '../../core/args';
import { decide } from '../../core/policy';
import { Refusal } from '../../core/errors';
import { describeOccurrence, otherPerson, viewOf, type SeriesView } from '../booking/service';
import { escalationsAtMeetings } from '../escalation/history';
import { agendaPartnership } from './service';
import { readableNotes } from './meeting-notes';
import { HISTORY_DEFAULT, HISTORY_MAX, feedMeetingLines, historyMessage, lastMeetingBlocks, type MeetingRecord } from './history-messages';

/** Past meetings that belong in a history: a cancelled slot never was one. */
const isPastMeeting = (o: Occurrence): boolean => o.status !== 'cancelled';

/** The record of these meetings as the viewer may read it. */
export function meetingRecords(services: Services, viewer: Actor, view: SeriesView, meetings: Occurrence[]): MeetingRecord[] {
  const tenantId = viewer.tenant.id;
  const ids = meetings.map((o) => o.id);
  const notes = readableNotes(services, viewer, view, ids);
  const actions = ids.length ? services.agenda.actionsOfPartnerships(tenantId, [view.partnership.id], new Date(0)) : [];
  const nameOf = (id: number): string => services.people.userById(tenantId, id)?.displayName ?? 'a former member';
  return meetings.map((occurrence) => ({
    occurrence,
    when: describeOccurrence(occurrence, view.school.timeZone),
    items: services.agenda.itemsOfOccurrence(tenantId, occurrence.id),
    steps: actions
      .filter((a: ActionItem) => a.occurrenceId === occurrence.id)
      .sort((a, b) => a.id - b.id)
      .map((action) => ({ action, owner: nameOf(action.ownerId) })),
    notes: notes.filter((n) => n.occurrenceId === occurrence.id).map((note) => ({ note, author: nameOf(note.authorId) })),
  }));
}

/** The last `n` past meetings of the partnership, newest first. */
function lastMeetings(services: Services, tenantId: number, view: SeriesView, now: Date, n: number): Occurrence[] {
  return services.meetingNotes
    .meetingsBefore(tenantId, view.partnership.id, now, n + 40)
    .filter(isPastMeeting)
    .slice(0, n);
}

export function showHistory(ctx: RequestContext, n: number, withPerson?: string): Reply {
  const view = agendaPartnership(ctx, withPerson);
  const meetings = lastMeetings(ctx.services, ctx.actor.tenant.id, view, ctx.now, n);
  if (meetings.length === 0) throw new Refusal('No touch-point has taken place yet, so there is no history. After your first one: /touchpoint notes');
  // Escalations discussed there, with their outcome: in the history reply only, as the policy lets the viewer read them.
  const decided = escalationsAtMeetings(ctx.services, ctx.actor, view, meetings, ctx.now);
  const records = meetingRecords(ctx.services, ctx.actor, view, meetings).map((r) => ({ ...r, escalations: decided.get(r.occurrence.id) }));
  return { messages: [historyMessage(otherPerson(view, ctx.actor.user).displayName, records, n)] };
}

/** App Home: the last touch-point of each active partnership, in a few lines, with the way to the rest. */
export function homeLastMeeting(ctx: RequestContext): ReturnType<typeof lastMeetingBlocks> {
  const tenantId = ctx.actor.tenant.id;
  return ctx.services.series
    .liveSeriesOfUser(tenantId, ctx.actor.user.id)
    .filter((s) => s.status === 'active')
    .map((s) => viewOf(ctx.services, tenantId, s))
    .filter((view) => decide('agenda.use', ctx.actor, view.school, view.partnership).allowed)
    .flatMap((view) => {
      const last = lastMeetings(ctx.services, tenantId, view, ctx.now, 1);
      if (last.length === 0) return [];
      return lastMeetingBlocks(otherPerson(view, ctx.actor.user).displayName, meetingRecords(ctx.services, ctx.actor, view, last)[0]);
    });
}

/**
 * For the calendar feed (whose owner is `owner`): per held meeting of these, its shared notes and
 * next steps as lines for the event's description. Never a private note — not even the owner's
 * own, since feeds are synced to other services.
 */
export function feedMeetingNotes(services: Services, owner: Actor, view: SeriesView, meetings: Occurrence[]): Map<number, string> {
  const held = meetings.filter((o) => o.status === 'held');
  const out = new Map<number, string>();
  for (const record of meetingRecords(services, owner, view, held)) {
    const shared = { ...record, notes: record.notes.filter(({ note }) => note.visibility === 'shared') };
    const lines = feedMeetingLines(shared);
    if (lines) out.set(record.occurrence.id, lines);
  }
  return out;
}

// ---- the command ----------------------------------------------------------------------------------

export const history: CommandSpec<{ n: number; with?: string }> = {
  root: 'touchpoint',
  name: 'history',
  usage: 'history [n]',
  describe: `your last touch-points (${HISTORY_DEFAULT} unless you say, at most ${HISTORY_MAX}): held, missed or skipped, items discussed, next steps, notes`,
  example: 'history 3',
  schema: () =>
    z.object({
      n: z
        .string()
        .optional()
        .transform((s, c) => {
          if (s === undefined) return HISTORY_DEFAULT;
          const n = Number(s);
          if (!Number.isInteger(n) || n < 1 || n > HISTORY_MAX) {
            c.addIssue({ code: 'custom', message: `"${s}" is not a number of touch-points from 1 to ${HISTORY_MAX}` });
            return z.NEVER;
          }
          return n;
        }),
      with: z.string().optional(),
      extra: z.undefined({ error: (iss) => `unexpected "${String(iss.input)}"` }).optional(),
    }),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { n: rest[0], extra: rest[1], with: withPerson };
  },
  handle: (ctx, args) => showHistory(ctx, args.n, args.with),
};

export function registerHistory(registry: CommandRegistry): void {
  registry.homeSection(homeLastMeeting);
}
