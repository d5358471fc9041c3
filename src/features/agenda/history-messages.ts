/**
 * What `history` shows, the "Last touch-point" section of App Home, and the lines a past meeting
 * adds to its calendar event. A private note is marked as the reader's own and kept out of the
 * fallback text (which platforms show in notifications); the body carries it.
 */
import type { Occurrence } from '../../core/model';
import type { ActionItem, AgendaItem, MeetingNote } from '../../core/ports';
import { formatLocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';

export interface MeetingRecord {
  occurrence: Occurrence;
  when: string;
  items: AgendaItem[];
  steps: { action: ActionItem; owner: string }[];
  notes: { note: MeetingNote; author: string }[];
  /** The escalations discussed there with their outcome, one line each, as the viewer may read them (history only). */
  escalations?: string[];
}

/** How many past touch-points `history` shows unless told, and at most. */
export const HISTORY_DEFAULT = 5;
export const HISTORY_MAX = 20;

export const PRIVATE_MARK = '(private — only you)';

/** Held, missed, skipped (and why) … as one short phrase. */
export function statusLine(o: Occurrence): string {
  switch (o.status) {
    case 'held':
      return 'Held';
    case 'missed':
      return 'Missed';
    case 'skipped':
      return o.reason ? `Skipped: ${o.reason}` : 'Skipped';
    case 'closed':
      return o.reason ? `School closed: ${o.reason}` : 'School closed';
    case 'paused':
      return 'Paused';
    case 'scheduled':
      return 'Not recorded yet (/touchpoint notes)';
    case 'cancelled':
      return 'Cancelled';
  }
}

const stepLine = ({ action, owner }: MeetingRecord['steps'][number]): string =>
  `${action.text} — ${owner}, due ${formatLocalDate(action.dueDate)}${action.status === 'done' ? ' (done)' : action.status === 'dropped' ? ' (dropped)' : ''}`;

const noteLine = ({ note, author }: MeetingRecord['notes'][number]): string =>
  note.visibility === 'private' ? `${PRIVATE_MARK} ${note.text}` : `${author}: ${note.text}`;

function recordBlocks(r: MeetingRecord): Block[] {
  const blocks: Block[] = [{ type: 'text', text: `**${esc(r.when)}** — ${esc(statusLine(r.occurrence))}` }];
  const discussed = r.items.filter((i) => i.status === 'discussed');
  const dropped = r.items.filter((i) => i.status === 'dropped');
  if (discussed.length) blocks.push({ type: 'text', text: '_Discussed_' }, { type: 'list', items: discussed.map((i) => esc(i.text)) });
  if (dropped.length) blocks.push({ type: 'text', text: '_Dropped_' }, { type: 'list', items: dropped.map((i) => esc(i.text)) });
  if (r.steps.length) blocks.push({ type: 'text', text: '_Decisions and next steps_' }, { type: 'list', items: r.steps.map((s) => esc(stepLine(s))) });
  if (r.escalations?.length) blocks.push({ type: 'text', text: '_Escalations_' }, { type: 'list', items: r.escalations.map(esc) });
  const shared = r.notes.filter((n) => n.note.visibility === 'shared');
  const own = r.notes.filter((n) => n.note.visibility === 'private');
  if (shared.length) blocks.push({ type: 'text', text: '_Shared notes_' }, { type: 'list', items: shared.map((n) => esc(noteLine(n))) });
  if (own.length) blocks.push({ type: 'text', text: '_Your private notes_' }, { type: 'list', items: own.map((n) => esc(noteLine(n))) });
  if (r.occurrence.status === 'held' && !r.items.length && !r.steps.length && !r.notes.length && !r.escalations?.length)
    blocks.push({ type: 'context', text: 'No notes recorded.' });
  return blocks;
}

/** The fallback text of one meeting: everything but the words of private notes. */
function recordText(r: MeetingRecord): string {
  const lines = [`${r.when} — ${statusLine(r.occurrence)}`];
  const discussed = r.items.filter((i) => i.status === 'discussed');
  if (discussed.length) lines.push(`Discussed: ${discussed.map((i) => i.text).join('; ')}`);
  if (r.steps.length) lines.push(`Next steps: ${r.steps.map(stepLine).join('; ')}`);
  if (r.escalations?.length) lines.push(`Escalations: ${r.escalations.join('; ')}`);
  for (const n of r.notes.filter((x) => x.note.visibility === 'shared')) lines.push(`Shared note — ${noteLine(n)}`);
  const own = r.notes.filter((x) => x.note.visibility === 'private').length;
  if (own) lines.push(`${own} private note${own === 1 ? '' : 's'} of yours ${PRIVATE_MARK}`);
  return lines.join('\n');
}

export function historyMessage(otherName: string, records: MeetingRecord[], asked: number): Message {
  const title = `Touch-point history with ${otherName}`;
  const blocks: Block[] = [{ type: 'header', text: title }];
  records.forEach((r, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(...recordBlocks(r));
  });
  const n = records.length;
  const shownLine =
    n < asked
      ? `All ${n} past touch-point${n === 1 ? '' : 's'}.`
      : `The last ${n}; more with /touchpoint history ${Math.min(HISTORY_MAX, n + HISTORY_DEFAULT)}.`;
  blocks.push({ type: 'context', text: esc(`${shownLine} Add notes to the last one: /touchpoint notes add shared|private <text>`) });
  return { text: [`${title}:`, ...records.map(recordText)].join('\n\n'), blocks };
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** App Home: the last touch-point in a few lines (shared notes only, clipped), and where the rest is. */
export function lastMeetingBlocks(otherName: string, r: MeetingRecord): Block[] {
  const discussed = r.items.filter((i) => i.status === 'discussed').length;
  const facts = [statusLine(r.occurrence), `${discussed} discussed`, `${r.steps.length} next step${r.steps.length === 1 ? '' : 's'}`];
  const shared = r.notes.filter((n) => n.note.visibility === 'shared').slice(0, 2);
  return [
    { type: 'text', text: `**Last touch-point with ${esc(otherName)}** — ${esc(r.when)}` },
    { type: 'context', text: esc(facts.join(' · ')) },
    ...(shared.length ? [{ type: 'list' as const, items: shared.map((n) => esc(clip(noteLine(n), 200))) }] : []),
    { type: 'context', text: 'Past touch-points, notes and next steps: /touchpoint history' },
  ];
}

/** A past meeting's part of its calendar event: shared notes and next steps, or nothing. */
export function feedMeetingLines(r: MeetingRecord): string | undefined {
  const shared = r.notes.filter((n) => n.note.visibility === 'shared');
  if (!shared.length && !r.steps.length) return undefined;
  return [
    ...(shared.length ? ['Shared notes:', ...shared.map((n) => `- ${noteLine(n)}`)] : []),
    ...(r.steps.length ? ['Next steps:', ...r.steps.map((s) => `- ${stepLine(s)}`)] : []),
  ].join('\n');
}
