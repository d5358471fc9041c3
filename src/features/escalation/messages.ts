/**
 * What the escalation pathway says. Confidential text (the concern, the plan) is escaped and
 * never put in a message's fallback text unless the message is addressed to one of its readers.
 */
import type { Services } from '../../core/context';
import type { School, User } from '../../core/model';
import { formatInstant, formatLocalDate, type LocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Button, type FormInput, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { internalMention } from '../../core/app';
import { mayNameConcernedPerson } from '../../core/policy';
import { STAGE_LABELS, stageLabel } from './stage-label';
import { CATEGORIES, type Category, type Escalation, type Stage } from '../../core/ports';

export const CATEGORY_LABELS: Record<Category, string> = {
  curriculum: 'Curriculum implementation',
  safety: 'Student safety',
  conduct: 'Professional conduct',
  resources: 'Resources or scheduling',
  other: 'Other',
};

export { STAGE_LABELS, stageLabel };

/** Said for an escalation that does not exist or that the person may not see: the two are not told apart. */
export const NO_SUCH_ESCALATION = 'There is no such escalation you can see.';
/** The policy's answer to an outcome for an escalation never raised (canRecordEscalationOutcome). */
export const RAISE_FIRST = 'Raise it first; the outcome is recorded at or after the touch-point.';
export const COACHES_ONLY = 'Only coaches raise escalations; a principal can add a concern to the agenda with /touchpoint add.';

export const alreadyInStage = (stage: Stage): string => `That escalation is already ${STAGE_LABELS[stage]}.`;

const PATHWAY_STEPS = [
  'Go back to the teacher: share your concern, and listen to their reply.',
  'If you cannot work it out in the moment, take time to reflect.',
  'Or tell the teacher: "This is a matter we need to discuss with the principal."',
];

/** The words for a person whose name an escalation no longer shows; erasure (src/store/erasure.ts) leaves the same label. */
const NAME_GONE = 'a teacher';

/** The name of the person it concerns, as its readers may see it: only while the policy lets it stand, else "a teacher" whatever the reason. */
export function concernedName(services: Services, tenantId: number, e: Escalation): string {
  const person = e.concernsUserId !== null ? services.people.userById(tenantId, e.concernsUserId) : undefined;
  const memberships = person ? services.people.membershipsOf(tenantId, person.id) : [];
  return mayNameConcernedPerson(person, memberships, e.schoolId) ? person.displayName : NAME_GONE;
}

/** Who it is about, as its readers may see it. */
export function aboutLine(services: Services, tenantId: number, e: Escalation): string {
  if (e.concernsUserId !== null) return `about ${concernedName(services, tenantId, e)}`;
  return e.concernsLabel ? `about ${e.concernsLabel}` : 'not about a person';
}

function ageOf(e: Escalation, now: Date): string {
  const days = Math.floor((now.getTime() - e.createdAt.getTime()) / 86_400_000);
  return days === 0 ? 'today' : days === 1 ? '1 day old' : `${days} days old`;
}

/** The details block: category, stage, age, who it is about, the concern, its outcome. Callers have checked the policy and audit the view. */
export function details(services: Services, tenantId: number, e: Escalation, now: Date): Block[] {
  const coach = e.coachId !== null ? (services.people.userById(tenantId, e.coachId)?.displayName ?? 'a coach') : 'a coach';
  const outcome = e.planText
    ? ` · ${e.stage === 'plan' ? 'plan' : 'outcome'}: ${e.planText}${e.stage === 'plan' && e.followUpDate ? `, follow-up ${formatLocalDate(e.followUpDate)}` : ''}`
    : '';
  return [
    { type: 'text', text: `**#${e.id} · ${esc(CATEGORY_LABELS[e.category])}** — ${esc(stageLabel(services, tenantId, e, now))}, ${esc(ageOf(e, now))}` },
    { type: 'text', text: esc(e.concern) },
    { type: 'context', text: esc(`Raised by ${coach}, ${aboutLine(services, tenantId, e)}${outcome}`) },
  ];
}

/** What the principals read of raised escalations before the compiled agenda: how many, by category. */
function waitingLine(waiting: readonly Escalation[]): string {
  const byCategory = new Map<Category, number>();
  for (const e of waiting) byCategory.set(e.category, (byCategory.get(e.category) ?? 0) + 1);
  return [...byCategory].map(([c, n]) => `${n} · ${CATEGORY_LABELS[c]}`).join('; ');
}

/** Raised for the next touch-point, shown before its compiled agenda: count and category, never the text or who it concerns. */
export function waitingBlocks(schoolName: string, waiting: readonly Escalation[]): Block[] {
  if (waiting.length === 0) return [];
  return [
    { type: 'text', text: `**Raised for your next touch-point at ${esc(schoolName)}: ${esc(waitingLine(waiting))}**` },
    { type: 'context', text: 'What each one says, and who it concerns, comes with the compiled agenda.' },
  ];
}

// ---- raising -------------------------------------------------------------------------------------------

export function escalateForm(teachers: User[]): Message {
  return {
    text: 'Raise a concern',
    blocks: [
      {
        type: 'context',
        text: 'Only you and your principal(s) will ever read this — never teachers, never other coaches. Unless it is urgent, it waits for your next touch-point.',
      },
      {
        type: 'form',
        formId: 'touchpoint.escalate',
        title: 'Raise a concern',
        submitLabel: 'Continue',
        inputs: [
          { id: 'concern', label: 'What is the concern?', kind: 'longtext', required: true },
          { id: 'category', label: 'Category', kind: 'choice', required: true, choices: CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] })) },
          {
            id: 'about',
            label: 'Who it concerns',
            kind: 'person',
            required: false,
            choices: [
              { value: 'none', label: 'Not about a person' },
              { value: 'student', label: 'A student or family (no name)' },
              ...teachers.map((u) => ({ value: internalMention(u), label: u.displayName })),
            ],
          },
          {
            id: 'urgency',
            label: 'Urgency',
            kind: 'choice',
            required: true,
            initial: 'wait',
            choices: [
              { value: 'wait', label: 'Can wait for our next touch-point' },
              { value: 'urgent', label: 'Urgent — student safety' },
            ],
          },
        ],
      },
    ],
  };
}

export function sharedFirstQuestion(e: Escalation): Message {
  return {
    text: 'Have you shared your concern with the teacher and listened to their reply?',
    blocks: [
      { type: 'text', text: 'Before it goes to the principal: **have you shared your concern with the teacher and listened to their reply?**' },
      {
        type: 'actions',
        buttons: [
          { actionId: 'escalation.shared', label: 'Yes, we talked', value: `${e.id}:yes` },
          { actionId: 'escalation.shared', label: 'Not yet', value: `${e.id}:no`, style: 'primary' },
        ],
      },
    ],
  };
}

/** Who was paged for an urgent escalation, and when they are asked again. */
/** The tiers an urgent escalation goes down until someone is reached. */
export type Tier = 'principals' | 'assistant principals' | 'admins';

/** Nobody in the chain can be reached: the coach must act now. */
export function nobodyReached(e: Pick<Escalation, 'id'>, school: School): Message {
  return textMessage(`Nobody at ${school.name} could be reached with your urgent escalation #${e.id}: follow your school’s emergency procedure now.`, {
    type: 'context',
    text: esc('Touchpoint keeps it; the principal sees it as soon as they open Touchpoint.'),
  });
}

export interface Paging {
  first: User[];
  principals: User[];
  aps: User[];
  urgentAckMinutes: number;
  /** Which tier of the chain was paged; none when nobody could be reached. */
  tier?: Tier;
  /** People of earlier tiers passed over: known to be unreachable. */
  skipped: User[];
  school: School;
  escalationId: number;
}

export function urgentSent({ first, principals, aps, urgentAckMinutes, tier, skipped, school, escalationId }: Paging): Message {
  if (!tier) return nobodyReached({ id: escalationId }, school);
  if (tier !== 'principals') {
    const passed = skipped.length ? ` ${skipped.map((u) => u.displayName).join(' and ')} cannot be reached right now.` : '';
    return textMessage(
      `Sent now to ${first.map((u) => u.displayName).join(' and ')} (${tier === 'admins' ? 'the workspace’s admins' : 'assistant principals'}) as urgent.${passed} You will hear when it is acknowledged.`,
      { type: 'context', text: 'If a student is in danger right now, follow your school’s emergency procedure as well.' },
    );
  }
  const hours = urgentAckMinutes % 60 === 0 ? `${urgentAckMinutes / 60} hour${urgentAckMinutes === 60 ? '' : 's'}` : `${urgentAckMinutes} minutes`;
  return textMessage(
    `Sent now to ${first.map((u) => u.displayName).join(' and ')} as urgent. If nobody acknowledges it within ${hours}, they are asked again${aps.length && principals.length ? ' and the assistant principal is paged' : ''}. You will hear when it is acknowledged.`,
    { type: 'context', text: 'If a student is in danger right now, follow your school’s emergency procedure as well.' },
  );
}

export const NOT_ABOUT_A_PERSON = 'It is not about a person, so there is no teacher to go back to first.';
export const ABOUT_A_STUDENT = 'It is about a student or family, so there is no teacher to go back to first.';

/** `principalName`: the principal of the coach's touch-point, if one is booked. */
export function raiseQuestion(e: Escalation, principalName: string | undefined, lead?: string): Message {
  const where = principalName ? `your next touch-point with ${principalName}` : 'the principal’s list (you have no touch-point booked with a principal)';
  return {
    text: `${lead ? `${lead} ` : ''}Raising it puts it on ${where}; no message goes to the principal before then. Does the teacher know it will be discussed with the principal?`,
    blocks: [
      ...(lead ? [{ type: 'text' as const, text: esc(lead) }] : []),
      { type: 'text', text: esc(`Raising it puts it on ${where}; no message goes to the principal before then.`) },
      { type: 'text', text: '**Does the teacher know it will be discussed with the principal?** (Recorded, not required.)' },
      {
        type: 'actions',
        buttons: [
          { actionId: 'escalation.raise', label: 'Raise it — they know', value: `${e.id}:told`, style: 'primary' },
          { actionId: 'escalation.raise', label: 'Raise it — not told', value: `${e.id}:not-told` },
          { actionId: 'escalation.reflect', label: 'Reflect first', value: String(e.id) },
        ],
      },
    ],
  };
}

export function reflectionSaved(until: LocalDate): Message {
  return {
    text: `The pathway: ${PATHWAY_STEPS.join(' ')} Saved as reflecting; on ${formatLocalDate(until)} you will be asked whether to raise it.`,
    blocks: [
      { type: 'text', text: '**The pathway before escalation**' },
      { type: 'list', ordered: true, items: PATHWAY_STEPS.map(esc) },
      {
        type: 'context',
        text: esc(`Saved as reflecting. On ${formatLocalDate(until)} you will be asked whether to raise it. Nothing has gone to the principal.`),
      },
    ],
  };
}

/** `principalName` and `occurrence` (described) of the touch-point it goes to, if one is booked. */
export function raised(principalName: string | undefined, occurrence: string | undefined): Message {
  if (!principalName) {
    return textMessage(
      'Raised. You have no touch-point booked with a principal, so it waits in /touchpoint escalations for them; book one with /touchpoint book.',
    );
  }
  return textMessage(
    `Raised. It is on the agenda of your touch-point with ${principalName}${occurrence ? ` on ${occurrence}` : ''}, in the Escalations section. ${principalName} sees it with that agenda, not before, and gets no message about it on its own.`,
  );
}

/** The touch-point it was raised for moved: it now goes with the agenda of `occurrence` (described). */
export function followedTouchpoint(e: Pick<Escalation, 'id'>, principalName: string, occurrence: string): Message {
  return textMessage(
    `Your touch-point with ${principalName} changed: escalation #${e.id} now goes on the agenda of ${occurrence}. ${principalName} reads it with that agenda, not before.`,
  );
}

/** No touch-point to come any more: it keeps the time the coach was told, in the principals' list. */
export function noTouchpointToFollow(e: Pick<Escalation, 'id'>, principalName: string, visibleFrom: Date, timeZone: string): Message {
  return textMessage(
    `You have no touch-point with ${principalName} coming up now, so escalation #${e.id} is on no agenda. ${principalName} reads it in their escalations list from ${formatInstant(visibleFrom, timeZone, true)}, as you were told — not before.`,
    { type: 'context', text: 'Book a touch-point to discuss it (/touchpoint book), or withdraw it (/touchpoint escalations).' },
  );
}

export const workedOut = (): Message => textMessage('Good to hear you worked it out. It is closed; it never reached the principal.');
export const askedAgain = (until: LocalDate): Message => textMessage(`Fine. You will be asked again on ${formatLocalDate(until)}.`);
export const withdrawn = (e: Escalation): Message => textMessage(`Escalation #${e.id} is withdrawn.`);

// ---- the principal's side ----------------------------------------------------------------------------------

export function alreadyAcknowledged(byName: string | undefined, at: Date, timeZone: string): Message {
  return textMessage(`Already acknowledged${byName ? ` by ${byName}` : ''} at ${formatInstant(at, timeZone, true)}.`);
}
export function acknowledged(at: Date, timeZone: string): Message {
  return textMessage(`Acknowledged at ${formatInstant(at, timeZone, true)}. Record the outcome when there is one: /touchpoint escalations.`);
}
export function acknowledgedToCoach(byName: string, e: Escalation, at: Date, timeZone: string): Message {
  return textMessage(`${byName} acknowledged your urgent escalation #${e.id} at ${formatInstant(at, timeZone, true)}.`);
}

export function outcomeForm(e: Escalation, owners: User[]): Message {
  const inputs: FormInput[] = [
    {
      id: 'outcome',
      label: 'Outcome',
      kind: 'choice',
      required: true,
      choices: [
        { value: 'plan', label: 'Plan agreed' },
        { value: 'resolved', label: 'Resolved' },
        { value: 'withdrawn', label: 'Withdrawn' },
      ],
    },
    { id: 'plan', label: 'The plan, or how it was resolved', kind: 'longtext', required: false },
    { id: 'owner', label: 'Owner', kind: 'person', required: false, choices: owners.map((u) => ({ value: internalMention(u), label: u.displayName })) },
    { id: 'followUp', label: 'Follow-up date', kind: 'date', required: false },
  ];
  return {
    text: `Outcome of escalation #${e.id}`,
    blocks: [{ type: 'form', formId: `escalation.outcome:${e.id}`, title: `Outcome of escalation #${e.id}`, submitLabel: 'Save outcome', inputs }],
  };
}

export function planLine(e: Escalation, plan: string, ownerName: string, followUp: LocalDate): string {
  return `Plan agreed for escalation #${e.id}: ${plan} Owner: ${ownerName}; follow-up ${formatLocalDate(followUp)} (it comes back on the agenda then).`;
}
export const closedLine = (e: Escalation, outcome: 'resolved' | 'withdrawn', text?: string): string =>
  text ? `Escalation #${e.id} is ${outcome}: ${text}` : `Escalation #${e.id} is ${outcome}.`;
export const outcomeToOther = (byName: string, line: string): Message => textMessage(`${byName} recorded: ${line}`);
export const outcomeRecorded = (line: string): Message => textMessage(line);

// ---- lists -------------------------------------------------------------------------------------------------

/** The pathway steps a listed escalation offers to its reader, as buttons. */
export type OfferedStep = 'raise.ask' | 'worked-out' | 'acknowledge' | 'outcome.open' | 'withdraw';

const BUTTONS: Record<OfferedStep, Omit<Button, 'value'>> = {
  'raise.ask': { actionId: 'escalation.raise-ask', label: 'Raise it' },
  'worked-out': { actionId: 'escalation.worked-out', label: 'We worked it out' },
  acknowledge: { actionId: 'escalation.ack', label: 'Acknowledge', style: 'primary' },
  'outcome.open': { actionId: 'escalation.outcome', label: 'Record outcome' },
  withdraw: { actionId: 'escalation.withdraw', label: 'Withdraw', style: 'danger' },
};

export function stepButtons(e: Escalation, steps: OfferedStep[]): Block[] {
  const buttons = steps.map((s): Button => {
    const { actionId, label, style } = BUTTONS[s];
    return { actionId, label, value: String(e.id), ...(style ? { style } : {}) };
  });
  return buttons.length ? [{ type: 'actions', buttons }] : [];
}

export const noneVisible = (): Message => textMessage('No open escalations you can see.');

export function countsBlocks(schoolName: string, rows: { category: Category; stage: Stage; n: number }[]): Block[] {
  return [
    { type: 'text', text: `**Escalations at ${esc(schoolName)}, by category and stage**` },
    rows.length
      ? { type: 'list', items: rows.map((r) => esc(`${CATEGORY_LABELS[r.category]} · ${STAGE_LABELS[r.stage]}: ${r.n}`)) }
      : { type: 'context', text: 'None.' },
  ];
}

/** `blocks`: each shown escalation's details and buttons; `counts`: the admins' counts. */
export function escalationsList(shown: number, blocks: Block[], counts: Block[]): Message {
  const header: Block = { type: 'header', text: shown ? `Open escalations (${shown})` : 'Escalations' };
  return { text: shown ? `${shown} open escalation${shown === 1 ? '' : 's'}` : 'Escalation counts', blocks: [header, ...blocks, ...counts] };
}

/** The Escalations section of an agenda: each visible one in full; those raised but not yet readable, counted by category. */
export function agendaSection(
  services: Services,
  tenantId: number,
  visible: Escalation[],
  waiting: Escalation[] = [],
  /** What the reader is shown under the list for one of them (its three-way conversation). */
  after: (e: Escalation) => Block[] = () => [],
): Block[] {
  return [
    { type: 'text', text: `**Escalations (${visible.length + waiting.length})**` },
    ...(visible.length
      ? [
          {
            type: 'list' as const,
            items: visible.map(
              (e) =>
                `#${e.id} ${esc(CATEGORY_LABELS[e.category])} — ${esc(e.concern)} _(${esc(aboutLine(services, tenantId, e))}${e.stage === 'plan' ? ', plan follow-up' : ''})_`,
            ),
          },
        ]
      : []),
    ...visible.flatMap(after),
    ...(waiting.length
      ? [{ type: 'context' as const, text: esc(`Raised: ${waitingLine(waiting)}. What each one says, and who it concerns, comes with the compiled agenda.`) }]
      : []),
  ];
}
