/**
 * The coaching vocabulary: topics, formats and statuses as people read and type them, office-hour
 * slots and dates as they are shown, and the limits on what people type.
 */
import { format } from 'date-fns';
import type { School } from '../../core/model';
import { WEEKDAY_LABELS, formatLocalDate, todayIn } from '../../core/datetime';
import type { Format, Helpful, OfficeHour, RequestStatus, Topic } from '../../core/ports';

export const TOPIC_LABELS: Record<Topic, string> = {
  classroom_management: 'Classroom management',
  engagement: 'Student engagement',
  assessment: 'Assessment and data',
  curriculum: 'Curriculum and planning',
  differentiation: 'Differentiation',
  technology: 'Technology',
  other: 'Other',
};

/** Words people type for a topic in `request [topic] [details]` (form values are the keys themselves). */
export const TOPIC_WORDS: Record<string, Topic> = {
  'classroom-management': 'classroom_management',
  classroom_management: 'classroom_management',
  classroom: 'classroom_management',
  management: 'classroom_management',
  behavior: 'classroom_management',
  behaviour: 'classroom_management',
  engagement: 'engagement',
  'student-engagement': 'engagement',
  assessment: 'assessment',
  data: 'assessment',
  'assessment-and-data': 'assessment',
  curriculum: 'curriculum',
  planning: 'curriculum',
  'curriculum-and-planning': 'curriculum',
  differentiation: 'differentiation',
  technology: 'technology',
  tech: 'technology',
  other: 'other',
};
/** The topic a typed word names, if any (own keys only: `constructor` is not a topic). */
export function topicOf(word: string): Topic | undefined {
  const w = word.trim().toLowerCase();
  return Object.hasOwn(TOPIC_WORDS, w) ? TOPIC_WORDS[w] : undefined;
}
export const TOPIC_HINT = 'classroom-management, engagement, assessment, curriculum, differentiation, technology, other';

export const FORMAT_LABELS: Record<Format, string> = {
  observe: 'Observe and debrief',
  co_plan: 'Co-plan',
  co_teach: 'Co-teach',
  model: 'Model lesson',
  talk: 'Just talk it through',
};

export const STATUS_LABELS: Record<RequestStatus, string> = {
  draft: 'not sent yet',
  open: 'waiting for a coach',
  in_progress: 'in conversation with a coach',
  accepted: 'accepted, session proposed',
  declined: 'declined',
  withdrawn: 'withdrawn',
  done: 'done',
};

export const HELPFUL_LABELS: Record<Helpful, string> = { yes: 'Yes', somewhat: 'Somewhat', not_really: 'Not really' };

/** Limits on what people type: long enough to say it, short enough for every platform's DM. */
export const DETAILS_MAX = 1500;
export const ANSWER_MAX = 1000;
export const TIMES_MAX = 200;

export const isoWeekdayShort = (weekday: OfficeHour['weekday']): string => WEEKDAY_LABELS[weekday].slice(0, 3);
export const slotLabel = (h: OfficeHour): string => `${isoWeekdayShort(h.weekday)} ${h.start}–${h.end}`;

/** `Mon 23 Nov 2026`, the local date of an instant at the school. */
export const dayOf = (instant: Date, school: School): string => formatLocalDate(todayIn(instant, school.timeZone));

/** "November 2026" for the month an instant falls in at the school. */
export function monthOf(instant: Date, school: School): string {
  const [y, m] = todayIn(instant, school.timeZone).split('-').map(Number);
  return format(new Date(y, m - 1, 1), 'MMMM yyyy');
}
