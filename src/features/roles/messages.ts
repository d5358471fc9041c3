/** What `/touchpoint roles` and role changes say, to the person acting and to the people concerned. */
import type { School, User } from '../../core/model';
import { GOVERNED_ROLE_LABELS, type GovernedRole } from '../../core/policy';
import { escapeMarkup as esc, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';

export const ROLE_ACTIONS = { accept: 'roles.invitation.accept', decline: 'roles.invitation.decline' } as const;

const label = (role: GovernedRole): string => GOVERNED_ROLE_LABELS[role];

/** "a coach", "a principal", "an assistant principal", "an admin". */
export const roleWithArticle = (role: GovernedRole): string => `${role === 'assistant_principal' || role === 'admin' ? 'an' : 'a'} ${label(role)}`;

export interface RolesListing {
  school: School;
  admins: User[];
  principals: User[];
  assistantPrincipals: User[];
  coaches: User[];
  invited: User[];
  /** People Touchpoint cannot deliver to (marked in the listing, with a line on what to do). */
  unreachable: ReadonlySet<number>;
}

/** The school's staff by role. Teachers are never listed: a teacher joins a school by asking a coach for help. */
export function rolesListMessage(l: RolesListing): Message {
  const names = (users: User[]): string =>
    users.length ? users.map((u) => (l.unreachable.has(u.id) ? `${u.displayName} (cannot be reached)` : u.displayName)).join(', ') : 'none';
  const rows: [string, User[]][] = [
    ['Admins', l.admins],
    ['Principals', l.principals],
    ['Assistant principals', l.assistantPrincipals],
    ['Coaches', l.coaches],
  ];
  if (l.invited.length) rows.push(['Invited as coach (not yet accepted)', l.invited]);
  const usage = 'Change them: /touchpoint roles add|remove @person principal|assistant-principal|coach|admin';
  const reach = l.unreachable.size
    ? ['Touchpoint cannot deliver messages to those marked “cannot be reached”: ask them to open Touchpoint in your chat app (in Teams, from the Apps menu).']
    : [];
  return {
    text: [`Roles at ${l.school.name}`, ...rows.map(([title, users]) => `${title}: ${names(users)}`), ...reach, usage].join('\n'),
    blocks: [
      { type: 'header', text: `Roles at ${l.school.name}` },
      { type: 'fields', fields: rows.map(([title, users]) => ({ label: title, value: esc(names(users)) })) },
      ...reach.map((line) => ({ type: 'context' as const, text: esc(line) })),
      { type: 'context', text: esc(usage) },
    ],
  };
}

/** `/touchpoint coach`: the school's coaches (and who was asked and has not answered yet). */
export function coachListMessage(school: School, coaches: User[], invited: User[]): Message {
  const pending = invited.length ? ` Asked, not yet accepted: ${invited.map((u) => u.displayName).join(', ')}.` : '';
  if (coaches.length === 0) return textMessage(`${school.name} has no coaches yet. Add one with /touchpoint coach add @name.${pending}`);
  return {
    text: `Coaches at ${school.name}: ${coaches.map((c) => c.displayName).join(', ')}${pending ? `\n${pending.trim()}` : ''}`,
    blocks: [
      { type: 'header', text: `Coaches at ${school.name}` },
      { type: 'list', items: coaches.map((c) => esc(c.displayName)) },
      ...(pending ? [{ type: 'context' as const, text: esc(pending.trim()) }] : []),
    ],
  };
}

export const givenMessage = (person: User, role: GovernedRole, school: School): Message =>
  textMessage(
    role === 'admin' ? `${person.displayName} is now a Touchpoint admin of this workspace.` : `${person.displayName} is now ${label(role)} at ${school.name}.`,
  );

export const takenMessage = (person: User, role: GovernedRole, school: School): Message =>
  textMessage(
    role === 'admin' ? `${person.displayName} is no longer a Touchpoint admin.` : `${person.displayName} is no longer ${label(role)} at ${school.name}.`,
  );

export const invitedMessage = (person: User, school: School): Message =>
  textMessage(`Asked ${person.displayName} to be coach at ${school.name}.`, {
    type: 'context',
    text: esc('They accept or decline in a message from Touchpoint; until they accept, they are not a coach.'),
  });

export const withdrawnMessage = (person: User, school: School): Message =>
  textMessage(`Withdrew the invitation for ${person.displayName} to be coach at ${school.name}.`);

/** The DM that asks a person to become coach: nothing changes until they accept. */
export function invitationMessage(invitationId: number, inviter: User, school: School): Message {
  const why =
    'As coach you read teachers’ coaching requests at the school, answer them, and book touch-points with its principal. Nothing changes until you accept.';
  return {
    text: `${inviter.displayName} asks you to be instructional coach at ${school.name}. Accept or decline.`,
    blocks: [
      { type: 'header', text: 'Coach invitation' },
      { type: 'text', text: `**${esc(inviter.displayName)}** asks you to be instructional coach at ${esc(school.name)}.` },
      { type: 'context', text: esc(why) },
      {
        type: 'actions',
        buttons: [
          { actionId: ROLE_ACTIONS.accept, label: 'Accept', value: String(invitationId), style: 'primary' },
          { actionId: ROLE_ACTIONS.decline, label: 'Decline', value: String(invitationId) },
        ],
      },
    ],
  };
}

/** To the person whose role changed (every change is told to them). */
export function roleChangedDm(actor: User, role: GovernedRole, school: School, added: boolean): Message {
  if (role === 'admin') {
    return textMessage(
      added ? `${actor.displayName} made you a Touchpoint admin of this workspace.` : `${actor.displayName} removed you as a Touchpoint admin.`,
      ...(added
        ? [
            {
              type: 'context' as const,
              text: esc('Admins create schools, name principals and admins, and read the audit log. /touchpoint roles lists who holds which role.'),
            },
          ]
        : []),
    );
  }
  return textMessage(
    added ? `${actor.displayName} made you ${label(role)} at ${school.name}.` : `${actor.displayName} removed you as ${label(role)} at ${school.name}.`,
    ...(added ? [{ type: 'context' as const, text: esc('/touchpoint help lists what you can do.') }] : []),
  );
}

/** To whoever invited someone who cannot be reached: the invitation is withdrawn, with what to do. */
export const invitationNotDelivered = (invited: User, school: School, advice: string): Message =>
  textMessage(`Your invitation for ${invited.displayName} to be coach at ${school.name} could not reach them, so it was withdrawn.`, {
    type: 'context',
    text: esc(`${advice}, then add them again.`),
  });

export const acceptedReply = (school: School): Message =>
  textMessage(`You are now instructional coach at ${school.name}.`, {
    type: 'context',
    text: esc('Your queue: /coaching queue. Book a touch-point with the principal: /touchpoint book.'),
  });

export const declinedReply = (school: School): Message => textMessage(`Declined. You are not a coach at ${school.name}.`);

export const answerToInviter = (person: User, school: School, accepted: boolean): Message =>
  textMessage(
    accepted ? `${person.displayName} accepted: they are now coach at ${school.name}.` : `${person.displayName} declined to be coach at ${school.name}.`,
  );

/** To a teacher with an open request: who can read it changed. */
export function readersChangedDm(coach: User, school: School, added: boolean, requestIds: number[]): Message {
  const which =
    requestIds.length === 1 ? `your open coaching request #${requestIds[0]}` : `your open coaching requests (${requestIds.map((id) => `#${id}`).join(', ')})`;
  return textMessage(
    added
      ? `${coach.displayName} is now a coach at ${school.name}, so they can read ${which}.`
      : `${coach.displayName} is no longer a coach at ${school.name} and can no longer read ${which}.`,
    {
      type: 'context',
      text: esc('Coaches of your school read your requests; principals never do. /coaching withdraw <id> withdraws one.'),
    },
  );
}
