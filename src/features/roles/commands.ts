/**
 * `/touchpoint roles [add|remove @person <role>] [at <school>]`: who holds which role at your
 * school, and changing it. The rules are in core/policy/governance.ts (`role.give`, `role.take`,
 * `role.answer`); the work in service.ts; the text in messages.ts.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec } from '../../core/registry';
import type { RequestContext } from '../../core/context';
import type { School } from '../../core/model';
import { NeedsChoice, Refusal, UsageError } from '../../core/errors';
import type { GovernedRole } from '../../core/policy';
import { answerInvitation, giveRole, invitationUndeliverable, listCoaches, listRoles, takeRole } from './service';
import { pickSchool } from '../booking/service';
import { authorize } from '../../core/policy';
import { ROLE_ACTIONS } from './messages';

const ROLE_WORDS: Record<string, GovernedRole> = {
  principal: 'principal',
  'assistant-principal': 'assistant_principal',
  assistant_principal: 'assistant_principal',
  ap: 'assistant_principal',
  coach: 'coach',
  admin: 'admin',
};

const NOT_A_ROLE = (word: string): string => `"${word}" is not a role: say principal, assistant-principal, coach or admin`;

interface RolesArgs {
  op?: 'add' | 'remove';
  person?: string;
  role?: GovernedRole;
  school?: string;
}

/** Splits `add @casey coach at Lincoln Elementary` into its parts (the school name may have spaces). */
function rolesWords(words: string[]): Record<string, unknown> {
  const at = words.findIndex((w, i) => i > 0 && w.toLowerCase() === 'at');
  const school = at > 0 ? words.slice(at + 1).join(' ') || undefined : undefined;
  const rest = at > 0 ? words.slice(0, at) : words;
  const op = rest[0]?.toLowerCase();
  if (op !== 'add' && op !== 'remove') return { op, school, extra: rest[1] };
  const roleWord = rest.length > 2 ? rest[rest.length - 1] : undefined;
  return { op, person: rest.slice(1, rest.length > 2 ? -1 : undefined).join(' ') || undefined, role: roleWord?.toLowerCase(), school };
}

const roles: CommandSpec<RolesArgs> = {
  root: 'touchpoint',
  name: 'roles',
  usage: 'roles [add|remove @person principal|assistant-principal|coach|admin] [at <school>]',
  describe: 'who holds which role at your school; admins and leaders change them (a coach accepts first)',
  example: 'roles add @casey coach',
  schema: () =>
    z
      .object({
        op: z.enum(['add', 'remove'], { error: (iss) => `"${String(iss.input)}" is not add or remove` }).optional(),
        person: z.string().max(200, { error: 'that name is too long' }).optional(),
        role: z
          .string()
          .optional()
          .transform((w, ctx): GovernedRole | undefined => {
            if (w === undefined) return undefined;
            const role = ROLE_WORDS[w];
            if (!role) {
              ctx.addIssue({ code: 'custom', message: NOT_A_ROLE(w) });
              return z.NEVER;
            }
            return role;
          }),
        school: z.string().max(200, { error: 'that school name is too long' }).optional(),
        extra: z.undefined({ error: (iss) => `unexpected "${String(iss.input)}"` }).optional(),
      })
      .refine((a) => !a.op || a.person, { error: 'name the person, like @casey', path: ['person'] })
      .refine((a) => !a.op || a.role, { error: 'say which role: principal, assistant-principal, coach or admin', path: ['role'] })
      .transform(({ op, person, role, school }) => ({ op, person, role, school })),
  fromWords: rolesWords,
  handle(ctx, args) {
    const school = governedSchool(ctx, args.school, args.op ? `roles ${args.op} ${args.person ?? ''} ${args.role ?? ''}`.trim() : 'roles');
    if (!args.op) return { messages: [listRoles(ctx, school)] };
    const person = ctx.people.resolve(args.person!);
    return { messages: [args.op === 'add' ? giveRole(ctx, school, args.role!, person) : takeRole(ctx, school, args.role!, person)] };
  },
};

/**
 * The school a roles command is about: named with `at <school>`, or the only one where the actor
 * leads, coaches or administers; several → a choice, never a guess.
 */
function governedSchool(ctx: RequestContext, name: string | undefined, typed: string): School {
  const { people } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  if (name) {
    const school = people.schoolByName(tenantId, name);
    if (!school) throw new UsageError(`there is no school called "${name}" here`);
    return school;
  }
  const ids = [...new Set(ctx.actor.memberships.filter((m) => m.role !== 'teacher').map((m) => m.schoolId))];
  const schools = ids.map((id) => people.schoolById(tenantId, id)).filter((s): s is School => s !== undefined);
  if (schools.length === 1) return schools[0];
  if (schools.length === 0) {
    throw new Refusal(
      ctx.actor.tenantAdmin
        ? 'There is no school yet. Start one with /touchpoint setup.'
        : 'Roles are set by a school’s principal or assistant principal, or a Touchpoint admin; you hold no staff role yet.',
    );
  }
  throw new NeedsChoice(
    'Which school?',
    schools.slice(0, 5).map((s) => ({ label: s.name, text: `${typed} at ${s.name}` })),
  );
}

function invitationId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new Refusal('That invitation is out of date.');
  return id;
}

interface CoachArgs {
  op?: 'add' | 'remove';
  person?: string;
}

/** `coach [add|remove @person]`: the school's coaches; adding one asks them first (a coach role is never imposed). */
const coach: CommandSpec<CoachArgs> = {
  root: 'touchpoint',
  name: 'coach',
  visibility: 'channel-safe',
  usage: 'coach [add|remove @person]',
  describe: "list your school's coaches, or propose one (they accept first) or remove one",
  example: 'coach add @casey',
  schema: () =>
    z
      .object({
        op: z.enum(['add', 'remove'], { error: (iss) => `"${String(iss.input)}" is not add or remove` }).optional(),
        person: z.string().max(200, { error: 'that name is too long' }).optional(),
        extra: z.undefined({ error: (iss) => `unexpected "${String(iss.input)}"` }).optional(),
      })
      .refine((a) => !a.op || a.person, { error: 'name the coach, like @casey', path: ['person'] }),
  fromWords(words) {
    return { op: words[0]?.toLowerCase(), person: words.slice(1).join(' ') || undefined };
  },
  handle(ctx, args) {
    const school = pickSchool(
      ctx,
      ['principal', 'assistant_principal', 'admin'],
      'Only a principal, assistant principal or admin manages coaches. Start your school with /touchpoint setup.',
    );
    authorize('school.coaches.manage', ctx.actor, school);
    if (!args.op) return { messages: [listCoaches(ctx, school)] };
    const person = ctx.people.resolve(args.person!);
    return { messages: [args.op === 'add' ? giveRole(ctx, school, 'coach', person) : takeRole(ctx, school, 'coach', person)] };
  },
};

export function registerRoles(registry: CommandRegistry): void {
  registry.command(coach);
  registry.command(roles);
  registry.onDelivery('roles.invitation', { undeliverable: invitationUndeliverable });
  registry.action({ actionId: ROLE_ACTIONS.accept, handle: (ctx, v) => ({ messages: [answerInvitation(ctx, invitationId(v), true)] }) });
  registry.action({ actionId: ROLE_ACTIONS.decline, handle: (ctx, v) => ({ messages: [answerInvitation(ctx, invitationId(v), false)] }) });
}
