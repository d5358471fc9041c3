/** The forms booking commands open when typed without arguments (input ids are the schemas' keys). */
import type { User } from '../../core/model';
import type { FormInput, Message } from '../../messages/model';
import type { RequestContext } from '../../core/context';
import { internalMention } from '../../core/app';
import { LEADER_ROLES } from '../../core/policy';
import { WEEKDAY_LABELS } from '../../core/datetime';
import { otherPerson, viewOf } from './series';

export const setupForm = (): Message => ({
  text: 'Set up your school',
  blocks: [
    {
      type: 'form',
      formId: 'touchpoint.setup',
      title: 'Set up your school',
      submitLabel: 'Create school',
      inputs: [
        { id: 'name', label: 'School name', kind: 'text', required: true, placeholder: 'Lincoln Elementary' },
        {
          id: 'timeZone',
          label: 'Time zone',
          kind: 'text',
          required: true,
          placeholder: 'America/Chicago',
          hint: 'An IANA name: America/New_York, Europe/London, Australia/Sydney',
        },
        { id: 'dayStart', label: 'School day starts', kind: 'time', required: false, initial: '07:30' },
        { id: 'dayEnd', label: 'School day ends', kind: 'time', required: false, initial: '15:30' },
      ],
    },
  ],
});

/** Offers everyone the actor could book with: coaches for a leader, leaders for a coach. */
export function bookForm(ctx: RequestContext): Message {
  const others = ctx.actor.memberships
    .filter((m) => m.role === 'principal' || m.role === 'assistant_principal' || m.role === 'coach')
    .flatMap((m) => ctx.services.people.schoolMembers(ctx.actor.tenant.id, m.schoolId, m.role === 'coach' ? LEADER_ROLES : ['coach']))
    .filter((u, i, all) => u.id !== ctx.actor.user.id && all.findIndex((x) => x.id === u.id) === i);
  return {
    text: 'Book a touch-point',
    blocks: [
      {
        type: 'form',
        formId: 'touchpoint.book',
        title: 'Book a touch-point',
        submitLabel: 'Propose',
        inputs: [
          { id: 'person', label: 'With', kind: 'person', required: true, choices: others.map((u) => ({ value: internalMention(u), label: u.displayName })) },
          {
            id: 'cadence',
            label: 'How often',
            kind: 'choice',
            required: true,
            initial: 'weekly',
            choices: [
              { value: 'weekly', label: 'Weekly' },
              { value: 'biweekly', label: 'Every two weeks' },
            ],
          },
          {
            id: 'weekday',
            label: 'Day',
            kind: 'choice',
            required: true,
            choices: ([1, 2, 3, 4, 5] as const).map((d) => ({ value: WEEKDAY_LABELS[d].slice(0, 3).toLowerCase(), label: WEEKDAY_LABELS[d] })),
          },
          { id: 'time', label: 'Time', kind: 'time', required: true, placeholder: '14:00' },
          {
            id: 'duration',
            label: 'Minutes',
            kind: 'choice',
            required: true,
            initial: '30',
            choices: ['15', '30', '45', '60', '90', '120'].map((v) => ({ value: v, label: `${v} minutes` })),
          },
          { id: 'from', label: 'Starting', kind: 'date', required: false, hint: 'Leave empty to start this week' },
        ],
      },
    ],
  };
}

export const moveForm = (ctx: RequestContext): Message => ({
  text: 'Move the next touch-point',
  blocks: [
    {
      type: 'form',
      formId: 'touchpoint.move',
      title: 'Move the next touch-point',
      submitLabel: 'Move',
      inputs: [
        ...partnerInput(ctx),
        { id: 'date', label: 'New date', kind: 'date', required: true },
        { id: 'time', label: 'New time', kind: 'time', required: true, placeholder: '14:00' },
      ],
    },
  ],
});

export const closedForm = (): Message => ({
  text: 'Mark the school closed',
  blocks: [
    {
      type: 'form',
      formId: 'touchpoint.closed',
      title: 'Mark the school closed',
      submitLabel: 'Save closure',
      inputs: [
        { id: 'start', label: 'First day', kind: 'date', required: true },
        { id: 'end', label: 'Last day', kind: 'date', required: true },
        { id: 'label', label: 'What is it', kind: 'text', required: true, placeholder: 'Thanksgiving break' },
      ],
    },
  ],
});

/**
 * A "With" input for forms of series commands, when the actor has several active touch-points
 * (a form cannot offer the typed command's choice buttons); none when there is only one.
 */
export function partnerInput(ctx: RequestContext, preset?: User): FormInput[] {
  const tenantId = ctx.actor.tenant.id;
  const others = ctx.services.series
    .liveSeriesOfUser(tenantId, ctx.actor.user.id)
    .filter((s) => s.status === 'active')
    .map((s) => otherPerson(viewOf(ctx.services, tenantId, s), ctx.actor.user));
  if (others.length < 2) return [];
  return [
    {
      id: 'with',
      label: 'With',
      kind: 'person',
      required: true,
      choices: others.map((u) => ({ value: internalMention(u), label: u.displayName })),
      ...(preset ? { initial: internalMention(preset) } : {}),
    },
  ];
}
