/**
 * The health report's message. It leads with the weeks as a row of symbols (compact, and the same
 * on every platform: no image, so no external URL), with a legend; the same weeks follow as text,
 * which is what screen readers, notifications and the console read.
 */
import type { LocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { describeRule, type SeriesView } from '../booking/service';

/** What one week of the report was. */
export interface WeekOutcome {
  monday: LocalDate;
  outcome: 'held' | 'missed' | 'skipped' | 'not recorded' | 'coming up' | 'none';
  /** Why there was no touch-point that week, when known. */
  why?: 'school closed' | 'paused' | 'cancelled';
}

/** How many agenda items and action items served one priority (or none: "Untagged"). */
export interface PriorityServed {
  label: string;
  items: number;
  actions: number;
}

/** One partnership's health over the report's weeks. */
export interface HealthFigures {
  weeks: number;
  held: number;
  counted: number;
  streak: number;
  discussed: number;
  carried: number;
  openActions: number;
  byWeek: WeekOutcome[];
  served: PriorityServed[];
}

const SYMBOLS: Record<WeekOutcome['outcome'], string> = {
  held: '●',
  missed: '○',
  skipped: '–',
  none: '·',
  'not recorded': '?',
  'coming up': '◌',
};
const LEGEND: [WeekOutcome['outcome'], string][] = [
  ['held', 'held'],
  ['missed', 'missed'],
  ['skipped', 'skipped'],
  ['none', 'no touch-point'],
  ['not recorded', 'not recorded'],
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayMonth = (d: LocalDate): string => `${Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1]}`;

/** "Week of 2 Nov: held", "Week of 23 Nov: no touch-point (school closed)". */
export function weekLine(w: WeekOutcome): string {
  const what = w.outcome === 'none' ? `no touch-point${w.why ? ` (${w.why})` : ''}` : w.outcome;
  return `Week of ${dayMonth(w.monday)}: ${what}`;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
const servedLine = (s: PriorityServed): string => `${s.label}: ${plural(s.items, 'agenda item')}, ${plural(s.actions, 'action item')}`;

export function healthMessage(view: SeriesView, h: HealthFigures): Message {
  const title = `${view.principal.displayName} & ${view.coach.displayName}`;
  const fields = [
    { label: `Held / planned (${h.weeks} weeks)`, value: `${h.held} / ${h.counted}` },
    { label: 'Current streak', value: `${h.streak} held in a row` },
    { label: 'Items per meeting', value: h.held ? (h.discussed / h.held).toFixed(1) : '—' },
    { label: 'Items carried over', value: String(h.carried) },
    { label: 'Open action items', value: String(h.openActions) },
  ];
  const row = h.byWeek.map((w) => SYMBOLS[w.outcome]).join(' ');
  const legend = [...LEGEND, ...(h.byWeek.some((w) => w.outcome === 'coming up') ? [['coming up', 'coming up'] as const] : [])]
    .map(([outcome, label]) => `${SYMBOLS[outcome]} ${label}`)
    .join(', ');
  const weeks = h.byWeek.map(weekLine);
  const served = h.served.length > 1 ? h.served.map(servedLine) : [];
  const blocks: Block[] = [
    { type: 'header', text: `Partnership health — ${title}` },
    { type: 'text', text: `**Last ${h.weeks} weeks:** ${row}` },
    { type: 'context', text: `Oldest first. ${legend}` },
    { type: 'fields', fields: fields.map((f) => ({ label: esc(f.label), value: esc(f.value) })) },
    ...(served.length
      ? [
          { type: 'text' as const, text: '**Shared priorities served** (agenda items discussed, action items agreed)' },
          { type: 'list' as const, items: served.map(esc) },
        ]
      : [{ type: 'context' as const, text: 'No shared priorities agreed yet, so nothing to count against them: /touchpoint priorities' }]),
    { type: 'text', text: '**Week by week**' },
    { type: 'list', items: weeks.map(esc) },
    { type: 'context', text: esc(`${describeRule(view.series)} · ${view.school.name}`) },
  ];
  // The fallback carries the same substance in words (no symbols), for notifications and screen readers.
  const text = [`${title}: ${fields.map((f) => `${f.label}: ${f.value}`).join('; ')}`, ...served, ...weeks].join('\n');
  return { text, blocks };
}
