/**
 * The agenda of a partnership: what each message about a touch-point shows, in one place, so
 * the prompt, the compiled agenda, `agenda` and the home view all agree.
 */
import type { Services } from '../../core/context';
import type { Occurrence, User } from '../../core/model';
import { formatLocalDate, todayIn, type LocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { SECTIONS, type AgendaItem, type Section } from '../../core/ports';
import { describeOccurrence, otherPerson, type SeriesView } from '../booking/service';

export const SECTION_LABELS: Record<Section, string> = {
  wins: 'Wins and bright spots',
  data: 'Student data',
  priorities: 'Priorities check',
  support: 'Teacher support',
  learning: "What we're learning",
  escalations: 'Escalations',
  other: 'Other',
};

/** Words people type for a section in `add [section] <text>`. */
export const SECTION_WORDS: Record<string, Section> = {
  wins: 'wins', win: 'wins', bright: 'wins', 'bright-spots': 'wins',
  data: 'data', 'student-data': 'data',
  priorities: 'priorities', priority: 'priorities', check: 'priorities',
  support: 'support', 'teacher-support': 'support',
  learning: 'learning', learn: 'learning',
  escalations: 'escalations', escalation: 'escalations',
  other: 'other',
};

export const AGREEMENT_POINTS = [
  'We meet at the fixed time and protect it; skipping is explicit and says why.',
  'We keep at most three shared priorities, at the top of every agenda.',
  'The coach is a thought partner, not an evaluator, and is never asked to report on individual teachers’ coaching.',
  'Hard situations follow the escalation pathway: back to the teacher first, then reflect, then the principal at our touch-point (student safety at once).',
];

export function agreementBlocks(partnershipId: number, withButton: boolean): Block[] {
  return [
    { type: 'text', text: '**Our partnership agreement**' },
    { type: 'list', items: AGREEMENT_POINTS.map(esc) },
    ...(withButton ? [{ type: 'actions' as const, buttons: [{ actionId: 'agreement.confirm', label: 'I agree', value: String(partnershipId), style: 'primary' as const }] }] : []),
  ];
}

/** An extra part of the compiled agenda contributed by another feature (escalations). */
export type AgendaExtra = (services: Services, tenantId: number, view: SeriesView, occurrence: Occurrence | undefined, viewer: User, now: Date) => Block[];
/** A set: registering the same extra again (every core built in one process) adds it once. */
const agendaExtras = new Set<AgendaExtra>();
export function addAgendaExtra(extra: AgendaExtra): void {
  agendaExtras.add(extra);
}

function itemLine(item: AgendaItem, names: Map<number, string>, showIds: boolean): string {
  const by = item.authorId !== null ? names.get(item.authorId) ?? 'someone' : 'someone';
  const carried = item.carriedCount > 0 ? `, carried over ${item.carriedCount}×` : '';
  return `${showIds ? `#${item.id} ` : ''}${esc(item.text)} — _${esc(by)}${carried}_`;
}

export interface AgendaOptions {
  /** Show item numbers (for `agenda edit #n` and `agenda remove #n`). */
  showIds?: boolean;
  /** Add the agreement (first touch-point of a quarter). */
  withAgreement?: boolean;
}

/**
 * The compiled agenda: shared priorities first, then carried-over items, new items by section,
 * then open action items (and what other features add, e.g. escalations).
 */
export function compileAgenda(services: Services, tenantId: number, view: SeriesView, occurrence: Occurrence | undefined, viewer: User, now: Date, opts: AgendaOptions = {}): Message {
  const { agenda } = services;
  const pid = view.partnership.id;
  const other = otherPerson(view, viewer);
  const names = new Map([[view.principal.id, view.principal.displayName], [view.coach.id, view.coach.displayName]]);
  const when = occurrence ? describeOccurrence(occurrence, view.school.timeZone) : 'no date scheduled yet';
  const blocks: Block[] = [
    { type: 'header', text: `Agenda — ${when}` },
    { type: 'context', text: esc(`With ${other.displayName} · ${view.school.name}`) },
  ];
  const priorities = agenda.priorities(tenantId, pid);
  blocks.push({ type: 'text', text: '**Shared priorities**' });
  blocks.push(priorities.length
    ? { type: 'list', ordered: true, items: priorities.map((p) => esc(p.text)) }
    : { type: 'context', text: 'None set yet. Set up to three: /touchpoint priorities set 1 <text>' });
  const items = agenda.openItems(tenantId, pid);
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
  for (const extra of agendaExtras) blocks.push(...extra(services, tenantId, view, occurrence, viewer, now));
  const actions = agenda.openActions(tenantId, pid);
  if (actions.length) {
    blocks.push({ type: 'text', text: '**Open action items**' });
    blocks.push({ type: 'list', items: actions.map((a) => `${esc(a.text)} — _${esc(names.get(a.ownerId) ?? 'someone')}, due ${esc(formatLocalDate(a.dueDate))}_`) });
  }
  if (opts.withAgreement) {
    blocks.push({ type: 'divider' });
    blocks.push({ type: 'context', text: 'First touch-point of the quarter: a reminder of what we agreed.' });
    blocks.push(...agreementBlocks(pid, false));
  }
  // The fallback (notifications, screen readers) carries the substance, not only counts.
  const lines = [
    `Agenda for ${when} with ${other.displayName}.`,
    ...priorities.map((p) => `Priority ${p.slot}: ${p.text}`),
    ...items.map((i) => `${SECTION_LABELS[i.section]}: ${i.text}${i.carriedCount ? ` (carried over ${i.carriedCount}×)` : ''}`),
    ...actions.map((a) => `Action: ${a.text} (due ${formatLocalDate(a.dueDate)})`),
  ];
  return { text: lines.join('\n'), blocks };
}

/** True when no other occurrence of the series falls earlier in the same quarter. */
export function isFirstOfQuarter(occurrenceDate: LocalDate, earlierDates: LocalDate[]): boolean {
  const quarter = (d: LocalDate): string => `${d.slice(0, 4)}Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3)}`;
  return !earlierDates.some((d) => d < occurrenceDate && quarter(d) === quarter(occurrenceDate));
}

/** Today in the school, for due dates. */
export function schoolToday(view: SeriesView, now: Date): LocalDate {
  return todayIn(now, view.school.timeZone);
}
