/**
 * DESIGN.md §1's "who sees what", as data: what each kind of person may see of each kind of
 * record. The rule functions beside this file implement it; `GET /privacy` shows it to anyone
 * deciding whether to trust Touchpoint, so it must say exactly what they do.
 */
export const VIEWERS = [
  'The teacher it belongs to or concerns',
  'Other teachers',
  'A coach of the school',
  'Other coaches',
  'Principal and assistant principals',
  'Admins',
  'Anyone in another organisation',
] as const;

export interface VisibilityRow {
  data: string;
  /** One cell per viewer, in VIEWERS' order. */
  sees: readonly [string, string, string, string, string, string, string];
}

export const WHO_SEES_WHAT: readonly VisibilityRow[] = [
  {
    data: 'Coaching request, not shared',
    sees: [
      'Everything (their own)',
      'Nothing',
      'Everything',
      'Nothing',
      'Monthly counts per topic, for closed months only, frozen when the month ends; under 3 shown as "fewer than 3"',
      'Same as principals',
      'Nothing',
    ],
  },
  {
    data: 'Coaching request, shared by the teacher',
    sees: ['Everything (their own)', 'Nothing', 'Everything', 'Nothing', 'Topic, teacher, status and dates', 'Same as principals', 'Nothing'],
  },
  {
    data: 'Coaching session (a time the teacher and the coach agreed)',
    sees: [
      'Their own: the time and the coach',
      'Nothing',
      'The coach who took the request up: the time and the teacher',
      'Nothing',
      'Nothing, not even that there is one',
      'Nothing',
      'Nothing',
    ],
  },
  { data: '"Was it helpful?" answers', sees: ['Their own answer', 'Nothing', 'Everything', 'Nothing', 'Nothing', 'Nothing', 'Nothing'] },
  {
    data: 'Escalation',
    sees: [
      'Nothing, even when it concerns them',
      'Nothing',
      'The coach who raised it: everything',
      'Nothing',
      'Count and category once raised; everything from the compiled agenda before the touch-point on (urgent: at once)',
      'Counts by category and stage',
      'Nothing',
    ],
  },
  {
    data: 'Agenda items, shared meeting notes, priorities, action items',
    sees: ['Nothing', 'Nothing', "The partnership's coach", 'Nothing', "The partnership's principal or assistant principal", 'Nothing', 'Nothing'],
  },
  {
    data: 'Partnership health report',
    sees: ['Nothing', 'Nothing', 'Their own partnership', 'Nothing', "Their own school's partnerships", "Their own school's", 'Nothing'],
  },
  {
    data: 'Private meeting notes',
    sees: ['Nothing', 'Nothing', 'Only those they wrote', 'Nothing', 'Only those they wrote', 'Nothing', 'Nothing'],
  },
  { data: 'Audit log', sees: ['Nothing', 'Nothing', 'Nothing', 'Nothing', 'Nothing', "Their own school's", 'Nothing'] },
];

/** What holds for every row, said once under the table. */
export const VISIBILITY_NOTES: readonly string[] = [
  'Someone with two roles (a coach who also teaches) sees what each role sees, never more; a school’s principal or assistant principal never holds its coach role.',
  'Every “everything” is limited to the person’s own school and organisation.',
  'Notification previews and lock screens never show a coaching request, an answer or an escalation: only that one is waiting.',
  'A teacher can withdraw a request at any time and erase everything about them with /coaching forget-me.',
];
