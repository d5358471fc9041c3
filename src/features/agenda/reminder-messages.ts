/**
 * The compiled agenda and the reminders: the agenda prompt, the compiled agenda (also the answer
 * to `agenda`, and what the home view shows of it), "Did it happen?", the drift warning and an
 * action item due — in one place so the prompt, the compiled agenda, `agenda` and the home view
 * all agree. User text is escaped in blocks; the fallback text carries the substance.
 */
import type { Occurrence, Series, User } from '../../core/model';
import { formatLocalDate, type LocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { SECTIONS, type ActionItem, type AgendaItem, type Priority, type PriorityProposal } from '../../core/ports';
import { describeOccurrence, describeRule, otherPerson, type SeriesView } from '../booking/service';
import { SECTION_LABELS, agreementBlocks } from './messages';
import { priorityMarker as tag, priorityRows } from './priorities-messages';

// ---- the compiled agenda ----------------------------------------------------------------------------

export interface AgendaOptions {
  /** Show item numbers (for `agenda edit #n` and `agenda remove #n`). */
  showIds?: boolean;
  /** Add the agreement (first touch-point of a quarter). */
  withAgreement?: boolean;
}

/** What a compiled agenda shows, read from the repositories and the other features' sections. */
export interface AgendaContents {
  priorities: Priority[];
  /** Open proposals to change them, shown beside the current wording. */
  proposals?: PriorityProposal[];
  items: AgendaItem[];
  /** Blocks other features add (escalations), between the items and the action items. */
  sections: Block[];
  actions: ActionItem[];
  /** Open action items past their due date, with how long (shown at the top). */
  overdue?: Map<number, string>;
}

function itemLine(item: AgendaItem, names: Map<number, string>, showIds: boolean): string {
  const by = item.authorId !== null ? (names.get(item.authorId) ?? 'someone') : 'someone';
  const carried = item.carriedCount > 0 ? `, carried over ${item.carriedCount}×` : '';
  return `${showIds ? `#${item.id} ` : ''}${esc(item.text)}${tag(item.prioritySlot)} — _${esc(by)}${carried}_`;
}

/**
 * The compiled agenda: shared priorities first, then carried-over items, new items by section,
 * then what other features add (escalations) and open action items.
 */
export function agendaMessage(view: SeriesView, occurrence: Occurrence | undefined, viewer: User, contents: AgendaContents, opts: AgendaOptions = {}): Message {
  const { items } = contents;
  const priorities = priorityRows(view, viewer, contents.priorities, contents.proposals ?? []);
  const overdue = contents.overdue ?? new Map<number, string>();
  const late = contents.actions.filter((a) => overdue.has(a.id));
  const actions = contents.actions.filter((a) => !overdue.has(a.id));
  const other = otherPerson(view, viewer);
  const names = new Map([
    [view.principal.id, view.principal.displayName],
    [view.coach.id, view.coach.displayName],
  ]);
  const when = occurrence ? describeOccurrence(occurrence, view.school.timeZone) : 'no date scheduled yet';
  const blocks: Block[] = [
    { type: 'header', text: `Agenda — ${when}` },
    { type: 'context', text: esc(`With ${other.displayName} · ${view.school.name}`) },
  ];
  const lateLine = (a: ActionItem): string =>
    `${esc(a.text)} — _${esc(names.get(a.ownerId) ?? 'someone')}, due ${esc(formatLocalDate(a.dueDate))}, ${overdue.get(a.id) ?? ''}_`;
  if (late.length) blocks.push({ type: 'text', text: '**Overdue action items**' }, { type: 'list', items: late.map(lateLine) });
  blocks.push({ type: 'text', text: '**Shared priorities**' });
  blocks.push(
    priorities.length
      ? { type: 'list', items: priorities.map((p) => esc(`P${p.slot} ${p.line}`)) }
      : { type: 'context', text: 'None yet. Propose up to three: /touchpoint priorities set 1 <text>' },
  );
  const carried = items.filter((i) => i.carriedCount > 0);
  const fresh = items.filter((i) => i.carriedCount === 0);
  if (carried.length) {
    blocks.push({ type: 'text', text: '**Carried over**' });
    blocks.push({ type: 'list', items: carried.map((i) => itemLine(i, names, opts.showIds ?? false)) });
  }
  for (const section of SECTIONS) {
    const inSection = fresh.filter((i) => i.section === section);
    if (inSection.length === 0) continue;
    blocks.push({ type: 'text', text: `**${esc(SECTION_LABELS[section])}**` });
    blocks.push({ type: 'list', items: inSection.map((i) => itemLine(i, names, opts.showIds ?? false)) });
  }
  if (items.length === 0) blocks.push({ type: 'context', text: 'No items yet. Add one: /touchpoint add [section] <text>' });
  blocks.push(...contents.sections);
  if (actions.length) {
    blocks.push({ type: 'text', text: '**Open action items**' });
    blocks.push({
      type: 'list',
      items: actions.map((a) => `${esc(a.text)}${tag(a.prioritySlot)} — _${esc(names.get(a.ownerId) ?? 'someone')}, due ${esc(formatLocalDate(a.dueDate))}_`),
    });
  }
  if (opts.withAgreement) {
    blocks.push({ type: 'divider' });
    blocks.push({ type: 'context', text: 'First touch-point of the quarter: a reminder of what we agreed.' });
    blocks.push(...agreementBlocks(view.partnership.id, false));
  }
  // The fallback (notifications, screen readers) carries the substance, not only counts.
  const lines = [
    `Agenda for ${when} with ${other.displayName}.`,
    ...late.map((a) => `Overdue: ${a.text} (${names.get(a.ownerId) ?? 'someone'}, due ${formatLocalDate(a.dueDate)}, ${overdue.get(a.id) ?? ''})`),
    ...priorities.map((p) => `Priority ${p.slot}: ${p.line}`),
    ...items.map((i) => `${SECTION_LABELS[i.section]}: ${i.text}${tag(i.prioritySlot)}${i.carriedCount ? ` (carried over ${i.carriedCount}×)` : ''}`),
    ...actions.map((a) => `Action: ${a.text}${tag(a.prioritySlot)} (due ${formatLocalDate(a.dueDate)})`),
  ];
  return { text: lines.join('\n'), blocks };
}

/** Home lists show this many entries; the rest are counted, with the command that shows them all. */
const HOME_LIST_MAX = 10;

/** What Home shows of one partnership's agenda: its open items and the priority changes proposed. */
export interface HomeAgenda {
  view: SeriesView;
  items: AgendaItem[];
  proposals: PriorityProposal[];
}

/**
 * Home: the agenda so far of each partnership (tagged as the agenda tags them, with the priority
 * changes waiting for the viewer), and the person's open action items, overdue first and marked.
 */
export function homeAgendaBlocks(viewer: User, partnerships: HomeAgenda[], mine: ActionItem[], overdue = new Map<number, string>()): Block[] {
  const blocks: Block[] = [];
  for (const { view, items, proposals } of partnerships) {
    blocks.push({ type: 'text', text: `**Agenda so far with ${esc(otherPerson(view, viewer).displayName)}**` });
    blocks.push(
      items.length
        ? { type: 'list', items: items.slice(0, HOME_LIST_MAX).map((i) => `${esc(i.text)}${tag(i.prioritySlot)} — _${esc(SECTION_LABELS[i.section])}_`) }
        : { type: 'context', text: 'Nothing yet: /touchpoint add <text>' },
    );
    if (items.length > HOME_LIST_MAX) blocks.push({ type: 'context', text: `and ${items.length - HOME_LIST_MAX} more: /touchpoint agenda` });
    const waiting = proposals.filter((p) => p.proposedBy !== viewer.id).length;
    if (waiting) blocks.push({ type: 'context', text: `${waiting === 1 ? '1 change' : `${waiting} changes`} waiting for you: /touchpoint priorities` });
  }
  if (mine.length) {
    const ordered = [...mine.filter((a) => overdue.has(a.id)), ...mine.filter((a) => !overdue.has(a.id))];
    const line = (a: ActionItem): string => {
      const late = overdue.get(a.id);
      return `${esc(a.text)}${tag(a.prioritySlot)} — _due ${esc(formatLocalDate(a.dueDate))}${late ? `, ${esc(late)}` : ''}_`;
    };
    blocks.push({ type: 'text', text: '**Your open action items**' });
    blocks.push({ type: 'list', items: ordered.slice(0, HOME_LIST_MAX).map(line) });
    if (mine.length > HOME_LIST_MAX) blocks.push({ type: 'context', text: `and ${mine.length - HOME_LIST_MAX} more: /touchpoint actions` });
  }
  return blocks;
}

// ---- reminders ------------------------------------------------------------------------------------------

export function outcomeQuestion(view: SeriesView, occurrenceId: number, when: string, otherName: string): Message {
  return {
    text: `Did your touch-point with ${otherName} (${when}) happen?`,
    blocks: [
      { type: 'header', text: 'Did it happen?' },
      { type: 'text', text: `Your touch-point with **${esc(otherName)}**, ${esc(when)}.` },
      {
        type: 'actions',
        buttons: [
          { actionId: 'meeting.held', label: 'Held', value: String(occurrenceId), style: 'primary' },
          { actionId: 'meeting.missed', label: 'Missed', value: String(occurrenceId) },
          { actionId: 'meeting.rescheduled', label: 'Rescheduled', value: String(occurrenceId) },
        ],
      },
      { type: 'context', text: esc(`${describeRule(view.series)} · items not marked at a held meeting are carried over`) },
    ],
  };
}

/** The owner's reminder of an action item: due today, or — the school was closed that day — when it was due. */
export function actionDueMessage(action: ActionItem, today: LocalDate): Message {
  const late = today > action.dueDate;
  const due = formatLocalDate(action.dueDate);
  return {
    text: late ? `Was due ${due}: ${action.text}` : `Due today: ${action.text}`,
    blocks: [
      { type: 'text', text: late ? `**Was due ${esc(due)}**: ${esc(action.text)}` : `**Due today** (${esc(due)}): ${esc(action.text)}` },
      { type: 'actions', buttons: [{ actionId: 'action.done', label: 'Mark done', value: String(action.id), style: 'primary' }] },
    ],
  };
}

/** The agenda prompt: the agenda so far (without its header), and the buttons to add or pass. */
export function promptMessage(otherName: string, when: string, occurrenceId: number, compiled: Message): Message {
  return {
    text: `Your touch-point with ${otherName} is ${when}. What do you want on the agenda? ${compiled.text}`,
    blocks: [
      { type: 'header', text: 'Agenda prompt' },
      { type: 'text', text: `Your touch-point with **${esc(otherName)}** is ${esc(when)}. What do you want on the agenda?` },
      ...compiled.blocks.slice(2),
      {
        type: 'actions',
        buttons: [
          { actionId: 'agenda.add', label: 'Add an item', value: String(occurrenceId), style: 'primary' },
          { actionId: 'agenda.pass', label: 'Nothing from me this week', value: String(occurrenceId) },
        ],
      },
    ],
  };
}

export function driftMessage(otherName: string, series: Series, next: string | undefined): Message {
  const nextLine = next ? `Your next one is ${next}.` : 'Nothing is scheduled in the coming weeks.';
  return {
    text: `Protect this time: your last two touch-points with ${otherName} did not happen. ${nextLine}`,
    blocks: [
      { type: 'header', text: 'Protect this time' },
      { type: 'text', text: `Your last two touch-points with **${esc(otherName)}** did not happen. Designated time beats drive-bys: ${esc(nextLine)}` },
      { type: 'context', text: esc(`${describeRule(series)} · if the time no longer works, move the series: /touchpoint cancel, then /touchpoint book`) },
    ],
  };
}
