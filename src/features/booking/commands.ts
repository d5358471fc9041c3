/** `/touchpoint` booking commands and their buttons: setup, coach, book, next, skip, move, pause, resume, cancel, closed. */
import { materialiseAhead } from './materialise';
import { occurrenceKey, seriesKey } from '../../core/school-calendar';
import { z } from 'zod';
import type { CommandRegistry, CommandSpec } from '../../core/registry';
import type { RequestContext, Reply } from '../../core/context';
import type { Occurrence, School, Series, User } from '../../core/model';
import { Refusal, UsageError } from '../../core/errors';
import { internalMention } from '../../core/app';
import {
  canAnswerProposal, canBook, canCreateSchool, canManageClosures, canManageCoaches, canManageSeries, LEADER_ROLES, rolesAt,
} from '../../core/policy';
import {
  WEEKDAY_LABELS, addDays, daysBetween, formatLocalDate, isLocalTime, localToUtc, minutesOfDay, toLocal, todayIn, weekdayOf,
  type LocalDate,
} from '../../core/datetime';
import { noExtra, takeWith, word, zDate, zMinutes, zTime, zTimeZone, zWeekday } from '../../core/args';
import { escapeMarkup as esc, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import {
  candidateSlots, clashMessage, describeOccurrence, describeRule, findClash, hoursWarning, materialise,
  otherPerson, partnerInput, pickSchool, pickSeries, ruleOf, upcoming, viewOf, type SeriesView,
} from './service';

// The fallback text is plain: context blocks are markup, so their escapes are resolved here.
const ok = textMessage;

function audit(ctx: RequestContext, schoolId: number, action: string, subjectType: string, subjectId: number, detail?: string): void {
  ctx.services.audit.audit({ tenantId: ctx.actor.tenant.id, schoolId, actorId: ctx.actor.user.id, action, subjectType, subjectId, detail }, ctx.now);
}

/** Dedupe-key prefixes let a skip or cancel withdraw reminders that were already planned. */

/** The local date an occurrence actually takes place on (a moved one is no longer on its original date). */
const heldOn = (o: { startsAt: Date }, timeZone: string): LocalDate => toLocal(o.startsAt, timeZone).date;

function nextLine(ctx: RequestContext, view: SeriesView): string {
  const next = upcoming(ctx.services, ctx.actor.tenant.id, view, ctx.now, 1)[0];
  return next ? `Next: ${describeOccurrence(next, view.school.timeZone)}.` : 'No upcoming touch-point is scheduled.';
}

// ---- setup ----------------------------------------------------------------------------------

interface SetupArgs { name: string; timeZone: string; dayStart: string; dayEnd: string }

const setup: CommandSpec<SetupArgs> = {
  root: 'touchpoint', name: 'setup', visibility: 'channel-safe',
  usage: 'setup <school name> <time zone> [<HH:MM>-<HH:MM>]',
  describe: 'create your school (you become its principal)',
  example: 'setup Lincoln Elementary America/Chicago 07:45-15:15',
  schema: () => z.object({
    name: word('missing the school name').pipe(z.string().max(100, { error: 'the school name must be at most 100 characters' })),
    timeZone: zTimeZone(),
    dayStart: z.string().optional().default('07:30').refine(isLocalTime, { error: 'the school day must look like 07:30-15:30' }),
    dayEnd: z.string().optional().default('15:30').refine(isLocalTime, { error: 'the school day must look like 07:30-15:30' }),
    extra: noExtra,
  }).refine((a) => minutesOfDay(a.dayStart) < minutesOfDay(a.dayEnd), { error: 'the school day must end after it starts', path: ['dayEnd'] }),
  fromWords(words) {
    if (words.length === 0) return null;
    const tzAt = words.findIndex((w) => w.includes('/') || /^utc$/i.test(w));
    if (tzAt < 0) return { name: words.join(' ') };
    const hours = words[tzAt + 1];
    const m = hours ? /^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(hours) : null;
    const pad = (t: string): string => t.padStart(5, '0');
    return {
      name: words.slice(0, tzAt).join(' ') || undefined, timeZone: words[tzAt],
      dayStart: m ? pad(m[1]) : hours, dayEnd: m ? pad(m[2]) : hours === undefined ? undefined : 'x',
      extra: words[tzAt + 2],
    };
  },
  form: () => ({
    text: 'Set up your school',
    blocks: [{
      type: 'form', formId: 'touchpoint.setup', title: 'Set up your school', submitLabel: 'Create school',
      inputs: [
        { id: 'name', label: 'School name', kind: 'text', required: true, placeholder: 'Lincoln Elementary' },
        { id: 'timeZone', label: 'Time zone', kind: 'text', required: true, placeholder: 'America/Chicago', hint: 'An IANA name: America/New_York, Europe/London, Australia/Sydney' },
        { id: 'dayStart', label: 'School day starts', kind: 'time', required: false, initial: '07:30' },
        { id: 'dayEnd', label: 'School day ends', kind: 'time', required: false, initial: '15:30' },
      ],
    }],
  }),
  handle(ctx, args) {
    const decision = canCreateSchool(ctx.actor);
    if (!decision.allowed) throw new Refusal(decision.reason);
    if (ctx.services.people.schoolByName(ctx.actor.tenant.id, args.name)) throw new Refusal(`A school called "${args.name}" already exists in this workspace.`);
    const school = ctx.services.people.createSchool(ctx.actor.tenant.id, { name: args.name, timeZone: args.timeZone, dayStart: args.dayStart, dayEnd: args.dayEnd, createdBy: ctx.actor.user.id }, ctx.now);
    ctx.services.people.addMembership(ctx.actor.tenant.id, school.id, ctx.actor.user.id, 'principal', ctx.now);
    audit(ctx, school.id, 'school.create', 'school', school.id);
    return { messages: [ok(
      `Created ${school.name} (${school.timeZone}, school day ${school.dayStart}–${school.dayEnd}). You are its principal.`,
      { type: 'context', text: 'Next: add your coach with /touchpoint coach add @name, then book with /touchpoint book @name weekly tue 14:00.' },
    )] };
  },
};

// ---- coach add|remove ---------------------------------------------------------------------------

interface CoachArgs { op?: 'add' | 'remove'; person?: string }

const coach: CommandSpec<CoachArgs> = {
  root: 'touchpoint', name: 'coach', visibility: 'channel-safe',
  usage: 'coach [add|remove @person]',
  describe: "list your school's coaches, or add or remove one",
  example: 'coach add @casey',
  schema: () => z.object({
    op: z.enum(['add', 'remove'], { error: (iss) => `"${String(iss.input)}" is not add or remove` }).optional(),
    person: z.string().optional(),
    extra: noExtra,
  }).refine((a) => !a.op || a.person, { error: 'name the coach, like @casey', path: ['person'] }),
  fromWords(words) {
    return { op: words[0]?.toLowerCase(), person: words.slice(1).join(' ') || undefined };
  },
  handle(ctx, args) {
    const school = pickSchool(ctx, ['principal', 'assistant_principal', 'admin'], 'Only a principal, assistant principal or admin manages coaches. Start your school with /touchpoint setup.');
    const decision = canManageCoaches(ctx.actor, school);
    if (!decision.allowed) throw new Refusal(decision.reason);
    const tenantId = ctx.actor.tenant.id;
    if (!args.op) {
      const coaches = ctx.services.people.schoolMembers(tenantId, school.id, ['coach']);
      if (coaches.length === 0) return { messages: [ok(`${school.name} has no coaches yet. Add one with /touchpoint coach add @name.`)] };
      return { messages: [{
        text: `Coaches at ${school.name}: ${coaches.map((c) => c.displayName).join(', ')}`,
        blocks: [{ type: 'header', text: `Coaches at ${school.name}` }, { type: 'list', items: coaches.map((c) => esc(c.displayName)) }],
      }] };
    }
    const person = ctx.people.resolve(args.person!);
    if (args.op === 'add') {
      if (!ctx.services.people.addMembership(tenantId, school.id, person.id, 'coach', ctx.now)) {
        throw new Refusal(`${person.displayName} is already a coach at ${school.name}.`);
      }
      audit(ctx, school.id, 'membership.add', 'user', person.id, 'coach');
      if (person.id !== ctx.actor.user.id) {
        ctx.notify(person, 'membership.coach', ok(
          `${ctx.actor.user.displayName} added you as instructional coach at ${school.name}.`,
          { type: 'context', text: 'Touch-points are booked with /touchpoint book; /touchpoint help lists everything.' },
        ), `membership:${school.id}:coach:${person.id}:${ctx.now.getTime()}`);
      }
      return { messages: [ok(`${person.displayName} is now a coach at ${school.name}.`, { type: 'context', text: `Book your touch-point: /touchpoint book ${person.handle ? `@${person.handle}` : person.displayName} weekly tue 14:00` })] };
    }
    const live = ctx.services.series.liveSeriesOfUser(tenantId, person.id).map((s) => viewOf(ctx.services, tenantId, s)).filter((v) => v.school.id === school.id && v.coach.id === person.id);
    if (live.length > 0) {
      throw new Refusal(`${person.displayName} still has touch-points at ${school.name} (with ${live.map((v) => v.principal.displayName).join(', ')}); cancel them first with /touchpoint cancel.`);
    }
    if (!ctx.services.people.removeMembership(tenantId, school.id, person.id, 'coach')) throw new Refusal(`${person.displayName} is not a coach at ${school.name}.`);
    audit(ctx, school.id, 'membership.remove', 'user', person.id, 'coach');
    return { messages: [ok(`${person.displayName} is no longer a coach at ${school.name}.`)] };
  },
};

// ---- book and its answer ----------------------------------------------------------------------------

interface BookArgs { person: string; cadence: 'weekly' | 'biweekly'; weekday: Series['weekday']; time: string; duration: number; from?: LocalDate }

const CADENCES = new Set(['weekly', 'biweekly']);

function proposalMessage(view: SeriesView, proposer: User, firstAt: string): Message {
  const rule = describeRule(view.series);
  return {
    text: `${proposer.displayName} proposes a touch-point: ${rule} (${view.school.timeZone}), first on ${firstAt}. Accept or decline.`,
    blocks: [
      { type: 'header', text: 'Touch-point proposal' },
      { type: 'text', text: `**${esc(proposer.displayName)}** proposes a recurring touch-point at ${esc(view.school.name)}.` },
      { type: 'fields', fields: [
        { label: 'When', value: esc(rule) },
        { label: 'First', value: esc(firstAt) },
        { label: 'Time zone', value: esc(view.school.timeZone) },
      ] },
      { type: 'actions', buttons: [
        { actionId: 'booking.accept', label: 'Accept', value: String(view.series.id), style: 'primary' },
        { actionId: 'booking.decline', label: 'Decline', value: String(view.series.id), style: 'danger' },
      ] },
    ],
  };
}

const book: CommandSpec<BookArgs> = {
  root: 'touchpoint', name: 'book', visibility: 'channel-safe',
  usage: 'book @person weekly|biweekly <weekday> <HH:MM> [for <N>m] [from <date>]',
  describe: 'propose a recurring touch-point between a principal and a coach',
  example: 'book @casey weekly tue 14:00 for 45m',
  schema: (pctx) => z.object({
    person: word('name the person to meet, like @casey'),
    cadence: z.enum(['weekly', 'biweekly'], { error: (iss) => (iss.input === undefined ? 'say how often: weekly or biweekly' : `"${String(iss.input)}" is not weekly or biweekly`) }),
    weekday: zWeekday(),
    time: zTime(),
    duration: z.union([z.string(), z.number()]).optional().default('30').pipe(zMinutes(15, 120, 'a touch-point')),
    from: zDate(pctx.today).optional(),
    extra: noExtra,
  }),
  fromWords(words) {
    if (words.length === 0) return null;
    const c = words.findIndex((w) => CADENCES.has(w.toLowerCase()));
    if (c < 0) return { person: words.join(' ') };
    const raw: Record<string, unknown> = { person: words.slice(0, c).join(' ') || undefined, cadence: words[c].toLowerCase(), weekday: words[c + 1], time: words[c + 2] };
    const rest = words.slice(c + 3);
    while (rest.length > 0) {
      const key = rest[0].toLowerCase();
      if (key === 'for' && rest.length >= 2) { raw.duration = rest[1]; rest.splice(0, 2); } else if (key === 'from' && rest.length >= 2) { raw.from = rest[1]; rest.splice(0, 2); } else { raw.extra = rest[0]; break; }
    }
    return raw;
  },
  form(ctx) {
    const others = ctx.actor.memberships
      .filter((m) => m.role === 'principal' || m.role === 'assistant_principal' || m.role === 'coach')
      .flatMap((m) => ctx.services.people.schoolMembers(ctx.actor.tenant.id, m.schoolId, m.role === 'coach' ? LEADER_ROLES : ['coach']))
      .filter((u, i, all) => u.id !== ctx.actor.user.id && all.findIndex((x) => x.id === u.id) === i);
    return {
      text: 'Book a touch-point',
      blocks: [{
        type: 'form', formId: 'touchpoint.book', title: 'Book a touch-point', submitLabel: 'Propose',
        inputs: [
          { id: 'person', label: 'With', kind: 'person', required: true, choices: others.map((u) => ({ value: internalMention(u), label: u.displayName })) },
          { id: 'cadence', label: 'How often', kind: 'choice', required: true, initial: 'weekly', choices: [{ value: 'weekly', label: 'Weekly' }, { value: 'biweekly', label: 'Every two weeks' }] },
          { id: 'weekday', label: 'Day', kind: 'choice', required: true, choices: ([1, 2, 3, 4, 5] as const).map((d) => ({ value: WEEKDAY_LABELS[d].slice(0, 3).toLowerCase(), label: WEEKDAY_LABELS[d] })) },
          { id: 'time', label: 'Time', kind: 'time', required: true, placeholder: '14:00' },
          { id: 'duration', label: 'Minutes', kind: 'choice', required: true, initial: '30', choices: ['15', '30', '45', '60', '90', '120'].map((v) => ({ value: v, label: `${v} minutes` })) },
          { id: 'from', label: 'Starting', kind: 'date', required: false, hint: 'Leave empty to start this week' },
        ],
      }],
    };
  },
  handle(ctx, args) {
    const tenantId = ctx.actor.tenant.id;
    const me = ctx.actor.user;
    const other = ctx.people.resolve(args.person);
    if (other.id === me.id) throw new Refusal("You can't book a touch-point with yourself.");
    const otherMemberships = ctx.services.people.membershipsOf(tenantId, other.id);
    const mySchools = [...new Set(ctx.actor.memberships.map((m) => m.schoolId))].map((id) => ctx.services.people.schoolById(tenantId, id)!);
    if (mySchools.length === 0) throw new Refusal("You aren't part of a school yet. Start one with /touchpoint setup, or ask your principal to add you.");
    let school: School | undefined;
    let reason = '';
    for (const s of mySchools) {
      const d = canBook(ctx.actor, s, otherMemberships.filter((m) => m.schoolId === s.id).map((m) => m.role));
      if (d.allowed) { school = s; break; }
      reason ||= d.reason;
    }
    if (!school) {
      const iLead = mySchools.find((s) => rolesAt(ctx.actor, s.id).some((r) => LEADER_ROLES.includes(r)));
      if (iLead && !otherMemberships.some((m) => m.schoolId === iLead.id && m.role === 'coach')) {
        throw new Refusal(`${other.displayName} is not a coach at ${iLead.name}. Add them first with /touchpoint coach add ${other.handle ? `@${other.handle}` : other.displayName}.`);
      }
      throw new Refusal(reason);
    }
    const iLead = rolesAt(ctx.actor, school.id).some((r) => LEADER_ROLES.includes(r)) && otherMemberships.some((m) => m.schoolId === school!.id && m.role === 'coach');
    const principal = iLead ? me : other;
    const coachUser = iLead ? other : me;
    const partnership = ctx.services.series.ensurePartnership(tenantId, school.id, principal.id, coachUser.id, ctx.now);
    const existing = ctx.services.series.liveSeriesOfPartnership(tenantId, partnership.id)[0];
    if (existing) {
      throw new Refusal(`You already have a touch-point with ${other.displayName} (${describeRule(existing)}${existing.status === 'proposed' ? ', awaiting an answer' : ''}). Use move, pause or cancel to change it.`);
    }
    const today = todayIn(ctx.now, school.timeZone);
    const startDate = args.from ?? today;
    if (startDate < today) throw new UsageError(`the start date ${formatLocalDate(startDate)} is in the past`);
    const draft = { cadence: args.cadence, weekday: args.weekday, time: args.time, durationMinutes: args.duration, startDate };
    const rule = ruleOf({ ...draft, id: 0, partnershipId: partnership.id, status: 'proposed', pausedUntil: null, proposedBy: me.id, createdAt: ctx.now, materialisedThrough: null }, school);
    const slots = candidateSlots(rule, ctx.now);
    const clash = findClash(ctx.services, tenantId, [me, other], slots, null);
    if (clash) throw new Refusal(clashMessage(clash, me));
    const series = ctx.services.series.createSeries(tenantId, { partnershipId: partnership.id, ...draft, proposedBy: me.id }, ctx.now);
    const view = viewOf(ctx.services, tenantId, series);
    const firstAt = describeOccurrence({ startsAt: slots[0].start, endsAt: slots[0].end }, school.timeZone);
    audit(ctx, school.id, 'series.propose', 'series', series.id);
    ctx.notify(other, 'booking.proposal', proposalMessage(view, me, firstAt), `booking.proposal:${series.id}`);
    const warning = hoursWarning(school, args.weekday, args.time, args.duration);
    return { messages: [ok(
      `Proposed to ${other.displayName}: ${describeRule(series)}, first on ${firstAt}. They can accept or decline.`,
      ...(warning ? [{ type: 'context' as const, text: esc(warning) }] : []),
    )] };
  },
};

function seriesFromValue(ctx: RequestContext, value: string): SeriesView {
  const id = Number(value);
  const series = Number.isInteger(id) ? ctx.services.series.seriesById(ctx.actor.tenant.id, id) : undefined;
  if (!series) throw new Refusal('That touch-point no longer exists.');
  return viewOf(ctx.services, ctx.actor.tenant.id, series);
}

function answerProposal(ctx: RequestContext, value: string, accept: boolean): Reply {
  const tenantId = ctx.actor.tenant.id;
  const view = seriesFromValue(ctx, value);
  const decision = canAnswerProposal(ctx.actor, view.school, view.partnership, view.series);
  if (!decision.allowed) throw new Refusal(decision.reason);
  const proposer = otherPerson(view, ctx.actor.user);
  if (!accept) {
    ctx.services.series.setSeriesStatus(tenantId, view.series.id, 'declined', ctx.now);
    audit(ctx, view.school.id, 'series.decline', 'series', view.series.id);
    ctx.notify(proposer, 'booking.declined', ok(`${ctx.actor.user.displayName} declined the touch-point ${describeRule(view.series)}. Propose another time with /touchpoint book.`), `booking.answer:${view.series.id}`);
    return { messages: [ok(`Declined. ${proposer.displayName} has been told and can propose another time.`)] };
  }
  const slots = candidateSlots(ruleOf(view.series, view.school), ctx.now);
  const clash = findClash(ctx.services, tenantId, [view.principal, view.coach], slots, view.series.id);
  if (clash) throw new Refusal(`${clashMessage(clash, ctx.actor.user)} Decline, and ask ${proposer.displayName} to propose another time.`);
  ctx.services.series.setSeriesStatus(tenantId, view.series.id, 'active', ctx.now);
  const active = { ...view, series: { ...view.series, status: 'active' as const } };
  audit(ctx, view.school.id, 'series.accept', 'series', view.series.id);
  ctx.emit('series.accepted', { seriesId: view.series.id });
  const next = nextLine(ctx, active);
  ctx.notify(proposer, 'booking.accepted', ok(`${ctx.actor.user.displayName} accepted: ${describeRule(view.series)}. ${next}`), `booking.answer:${view.series.id}`);
  return { messages: [ok(`Booked with ${proposer.displayName}: ${describeRule(view.series)}. ${next}`)] };
}

// ---- next ----------------------------------------------------------------------------------------

const next: CommandSpec<Record<string, never>> = {
  root: 'touchpoint', name: 'next', visibility: 'channel-safe',
  usage: 'next',
  describe: 'your next touch-point(s), in your school’s time zone',
  example: 'next',
  schema: () => z.object({ extra: noExtra }).transform(() => ({})),
  fromWords: (words) => ({ extra: words[0] }),
  handle(ctx) {
    const tenantId = ctx.actor.tenant.id;
    const views = ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id).map((s) => viewOf(ctx.services, tenantId, s));
    if (views.length === 0) {
      return { messages: [ok('You have no touch-points yet.', { type: 'context', text: 'Book one: /touchpoint book @name weekly tue 14:00' })] };
    }
    const messages: Message[] = views.map((view) => {
      const other = otherPerson(view, ctx.actor.user);
      if (view.series.status === 'proposed') {
        const mine = view.series.proposedBy === ctx.actor.user.id;
        return {
          text: mine ? `Waiting for ${other.displayName} to accept: ${describeRule(view.series)}.` : `${other.displayName} proposed ${describeRule(view.series)}. Accept or decline.`,
          blocks: [
            { type: 'text', text: mine ? `Waiting for **${esc(other.displayName)}** to accept: ${esc(describeRule(view.series))}.` : `**${esc(other.displayName)}** proposed ${esc(describeRule(view.series))}.` },
            ...(mine ? [] : [{ type: 'actions' as const, buttons: [
              { actionId: 'booking.accept', label: 'Accept', value: String(view.series.id), style: 'primary' as const },
              { actionId: 'booking.decline', label: 'Decline', value: String(view.series.id), style: 'danger' as const },
            ] }]),
          ],
        };
      }
      const occ = upcoming(ctx.services, tenantId, view, ctx.now, 1)[0];
      const when = occ ? describeOccurrence(occ, view.school.timeZone) : 'nothing scheduled in the coming weeks';
      const paused = view.series.pausedUntil && view.series.pausedUntil > todayIn(ctx.now, view.school.timeZone)
        ? ` Paused until ${formatLocalDate(view.series.pausedUntil)}.` : '';
      return {
        text: `Next touch-point with ${other.displayName}: ${when}.${paused}`,
        blocks: [
          { type: 'text', text: `Next touch-point with **${esc(other.displayName)}**: ${esc(when)}${occ?.moved ? ' (moved)' : ''}.${esc(paused)}` },
          { type: 'context', text: esc(`${describeRule(view.series)} · ${view.school.name}`) },
        ],
      };
    });
    return { messages };
  },
};

// ---- skip, move, pause, resume, cancel ----------------------------------------------------------------

function manageable(ctx: RequestContext, withPerson: string | undefined, statuses: Series['status'][] = ['active']): SeriesView {
  const person = withPerson ? ctx.people.resolve(withPerson) : undefined;
  const view = pickSeries(ctx, { withPerson: person, statuses, none: 'You have no touch-point booked. Book one with /touchpoint book @name weekly tue 14:00.' });
  const decision = canManageSeries(ctx.actor, view.school, view.partnership);
  if (!decision.allowed) throw new Refusal(decision.reason);
  return view;
}

function nextToCome(ctx: RequestContext, view: SeriesView) {
  const occ = upcoming(ctx.services, ctx.actor.tenant.id, view, ctx.now, 5).find((o) => o.startsAt > ctx.now);
  if (!occ) throw new Refusal('There is no upcoming touch-point to change in the coming weeks.');
  return occ;
}

interface SkipArgs { reason?: string; with?: string }
const skip: CommandSpec<SkipArgs> = {
  root: 'touchpoint', name: 'skip',
  usage: 'skip [reason]',
  describe: 'skip the next touch-point (it counts as skipped; say why)',
  example: 'skip state testing this week',
  schema: () => z.object({ reason: z.string().max(300, { error: 'the reason must be at most 300 characters' }).optional(), with: z.string().optional() }),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { reason: rest.join(' ') || undefined, with: withPerson };
  },
  handle(ctx, args) {
    const view = manageable(ctx, args.with);
    const occ = nextToCome(ctx, view);
    const { outbox } = ctx.services;
    ctx.services.series.updateOccurrence(ctx.actor.tenant.id, occ.id, { status: 'skipped', reason: args.reason ?? null }, ctx.actor.user.id, ctx.now);
    outbox.cancelPending(occurrenceKey(view.series.id, occ.id));
    audit(ctx, view.school.id, 'occurrence.skip', 'occurrence', occ.id);
    const when = describeOccurrence(occ, view.school.timeZone);
    const other = otherPerson(view, ctx.actor.user);
    const why = args.reason ? ` Reason: ${args.reason}.` : ' No reason given.';
    ctx.notify(other, 'booking.skipped', ok(`${ctx.actor.user.displayName} skipped the touch-point on ${when}.${why} ${nextLine(ctx, view)}`), `booking.skip:${occ.id}:${ctx.now.getTime()}`);
    return { messages: [{
      text: `Skipped ${when}. ${other.displayName} has been told. ${nextLine(ctx, view)}`,
      blocks: [
        { type: 'text', text: esc(`Skipped ${when}. ${other.displayName} has been told. ${nextLine(ctx, view)}`) },
        { type: 'context', text: 'Skipped touch-points are counted; two in a row bring a "protect this time" nudge.' },
        { type: 'actions', buttons: [{ actionId: 'booking.unskip', label: 'Undo skip', value: String(occ.id) }] },
      ],
    }] };
  },
};

function unskip(ctx: RequestContext, value: string): Reply {
  const tenantId = ctx.actor.tenant.id;
  const occ = ctx.services.series.occurrenceById(tenantId, Number(value));
  if (!occ) throw new Refusal('That touch-point no longer exists.');
  const view = seriesFromValue(ctx, String(occ.seriesId));
  const decision = canManageSeries(ctx.actor, view.school, view.partnership);
  if (!decision.allowed) throw new Refusal(decision.reason);
  if (occ.status !== 'skipped' || occ.startsAt <= ctx.now || view.series.status !== 'active') throw new Refusal('That skip can no longer be undone.');
  ctx.services.series.updateOccurrence(tenantId, occ.id, { status: 'scheduled', reason: null }, ctx.actor.user.id, ctx.now);
  audit(ctx, view.school.id, 'occurrence.unskip', 'occurrence', occ.id);
  const when = describeOccurrence(occ, view.school.timeZone);
  ctx.notify(otherPerson(view, ctx.actor.user), 'booking.unskipped', ok(`${ctx.actor.user.displayName} un-skipped: the touch-point on ${when} is on again.`), `booking.unskip:${occ.id}:${ctx.now.getTime()}`);
  return { messages: [ok(`The touch-point on ${when} is on again.`)] };
}

interface MoveArgs { date: LocalDate; time: string; with?: string }
const move: CommandSpec<MoveArgs> = {
  root: 'touchpoint', name: 'move',
  usage: 'move <date> <HH:MM>',
  describe: 'move the next touch-point (just that one) to another date and time',
  example: 'move thu 10:30',
  schema: (pctx) => z.object({ date: zDate(pctx.today), time: zTime(), with: z.string().optional(), extra: noExtra }),
  fromWords(words) {
    if (words.length === 0) return null;
    const { rest, withPerson } = takeWith(words);
    return { date: rest[0], time: rest[1], extra: rest[2], with: withPerson };
  },
  form: (ctx) => ({
    text: 'Move the next touch-point',
    blocks: [{ type: 'form', formId: 'touchpoint.move', title: 'Move the next touch-point', submitLabel: 'Move', inputs: [
      ...partnerInput(ctx),
      { id: 'date', label: 'New date', kind: 'date', required: true },
      { id: 'time', label: 'New time', kind: 'time', required: true, placeholder: '14:00' },
    ] }],
  }),
  handle(ctx, args) {
    const view = manageable(ctx, args.with);
    return { messages: [moveOccurrence(ctx, view, nextToCome(ctx, view), args.date, args.time, 'moved')] };
  },
};

/**
 * Moves one occurrence (the `move` command, or "Rescheduled" after the fact): refused in the
 * past, on a closed day, or on top of either person's other touch-point; both people told.
 */
export function moveOccurrence(ctx: RequestContext, view: SeriesView, occ: Occurrence, date: LocalDate, time: string, verb: 'moved' | 'rescheduled'): Message {
  const { outbox } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const startsAt = localToUtc(date, time, view.school.timeZone);
  const endsAt = new Date(startsAt.getTime() + view.series.durationMinutes * 60_000);
  if (startsAt <= ctx.now) throw new UsageError(`${formatLocalDate(date)} ${time} is in the past`, 'date');
  const closure = ctx.services.calendar.closuresOfSchool(tenantId, view.school.id).find((c) => c.startDate <= date && date <= c.endDate);
  if (closure) throw new Refusal(`${view.school.name} is closed on ${formatLocalDate(date)} (${closure.label}); pick another day.`);
  const clash = findClash(ctx.services, tenantId, [view.principal, view.coach], [{ start: startsAt, end: endsAt }], view.series.id);
  if (clash) throw new Refusal(clashMessage(clash, ctx.actor.user));
  const before = describeOccurrence(occ, view.school.timeZone);
  const moved = ctx.services.series.updateOccurrence(tenantId, occ.id, { startsAt, endsAt, moved: true }, ctx.actor.user.id, ctx.now);
  outbox.cancelPending(occurrenceKey(view.series.id, occ.id));
  audit(ctx, view.school.id, verb === 'moved' ? 'occurrence.move' : 'occurrence.reschedule', 'occurrence', occ.id);
  const after = describeOccurrence(moved, view.school.timeZone);
  const other = otherPerson(view, ctx.actor.user);
  ctx.notify(other, `booking.${verb}`, ok(`${ctx.actor.user.displayName} ${verb} the touch-point of ${before} to ${after}.`), `booking.move:${occ.id}:${ctx.now.getTime()}`);
  const warning = hoursWarning(view.school, weekdayOf(date), time, view.series.durationMinutes);
  return ok(`${verb === 'moved' ? 'Moved' : 'Rescheduled'}: ${before} → ${after}. ${other.displayName} has been told.`, ...(warning ? [{ type: 'context' as const, text: esc(warning) }] : []));
}

interface PauseArgs { until: LocalDate; with?: string }
const pause: CommandSpec<PauseArgs> = {
  root: 'touchpoint', name: 'pause',
  usage: 'pause until <date>',
  describe: 'pause the series until a date (it resumes by itself)',
  example: 'pause until 2027-01-05',
  schema: (pctx) => z.object({
    keyword: z.literal('until', { error: 'say "until", like: pause until 2027-01-05' }),
    until: zDate(pctx.today, 'missing the date to resume on'),
    with: z.string().optional(), extra: noExtra,
  }).transform(({ until, with: w }) => ({ until, with: w })),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { keyword: rest[0]?.toLowerCase(), until: rest[1], extra: rest[2], with: withPerson };
  },
  handle(ctx, args) {
    const { outbox } = ctx.services;
    const tenantId = ctx.actor.tenant.id;
    const view = manageable(ctx, args.with);
    const today = todayIn(ctx.now, view.school.timeZone);
    if (args.until <= today) throw new UsageError('the date to resume on must be after today');
    if (daysBetween(today, args.until) > 366) throw new UsageError('a pause can last at most a year; cancel the series instead');
    ctx.services.series.setPausedUntil(tenantId, view.series.id, args.until);
    const paused = { ...view, series: { ...view.series, pausedUntil: args.until } };
    materialise(ctx.services, tenantId, paused, ctx.now, Math.max(daysBetween(today, args.until) + 14, 63));
    for (const o of ctx.services.series.occurrencesInDates(tenantId, view.series.id, today, addDays(args.until, -1))) {
      if (o.status === 'scheduled' && o.startsAt > ctx.now) {
        ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'paused', reason: 'paused' }, ctx.actor.user.id, ctx.now);
        outbox.cancelPending(occurrenceKey(view.series.id, o.id));
      }
    }
    unpause(ctx, view, args.until); // a shorter pause than before: the weeks after it are on again
    audit(ctx, view.school.id, 'series.pause', 'series', view.series.id, args.until);
    const resumeLine = `Resumes on ${formatLocalDate(args.until)}; ${nextLine(ctx, paused)}`;
    ctx.notify(otherPerson(view, ctx.actor.user), 'booking.paused', ok(`${ctx.actor.user.displayName} paused your touch-points until ${formatLocalDate(args.until)}. ${nextLine(ctx, paused)}`), `booking.pause:${view.series.id}:${ctx.now.getTime()}`);
    return { messages: [ok(`Paused. ${resumeLine}`, { type: 'context', text: 'Resume earlier with /touchpoint resume.' })] };
  },
};

/** Puts paused touch-points still to come back on — all, or those from `from` on — except on closed days. */
function unpause(ctx: RequestContext, view: SeriesView, from: LocalDate | null): void {
  const tenantId = ctx.actor.tenant.id;
  const closures = ctx.services.calendar.closuresOfSchool(tenantId, view.school.id);
  for (const o of ctx.services.series.occurrencesOfSeries(tenantId, view.series.id, ctx.now, 500)) {
    const on = heldOn(o, view.school.timeZone);
    if (o.status === 'paused' && (from === null || o.originalDate >= from) && !closures.some((c) => c.startDate <= on && on <= c.endDate)) {
      ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'scheduled', reason: null }, ctx.actor.user.id, ctx.now);
    }
  }
}

const resume: CommandSpec<{ with?: string }> = {
  root: 'touchpoint', name: 'resume',
  usage: 'resume',
  describe: 'end a pause now',
  example: 'resume',
  schema: () => z.object({ with: z.string().optional(), extra: noExtra }).transform(({ with: w }) => ({ with: w })),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { extra: rest[0], with: withPerson };
  },
  handle(ctx, args) {
    const tenantId = ctx.actor.tenant.id;
    const view = manageable(ctx, args.with);
    if (!view.series.pausedUntil || view.series.pausedUntil <= todayIn(ctx.now, view.school.timeZone)) throw new Refusal('That series is not paused.');
    ctx.services.series.setPausedUntil(tenantId, view.series.id, null);
    unpause(ctx, view, null);
    const resumed = { ...view, series: { ...view.series, pausedUntil: null } };
    audit(ctx, view.school.id, 'series.resume', 'series', view.series.id);
    ctx.notify(otherPerson(view, ctx.actor.user), 'booking.resumed', ok(`${ctx.actor.user.displayName} resumed your touch-points. ${nextLine(ctx, resumed)}`), `booking.resume:${view.series.id}:${ctx.now.getTime()}`);
    return { messages: [ok(`Resumed. ${nextLine(ctx, resumed)}`)] };
  },
};

const cancel: CommandSpec<{ with?: string }> = {
  root: 'touchpoint', name: 'cancel',
  usage: 'cancel',
  describe: 'end the series (asks first); also withdraws a proposal',
  example: 'cancel',
  schema: () => z.object({ with: z.string().optional(), extra: noExtra }).transform(({ with: w }) => ({ with: w })),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { extra: rest[0], with: withPerson };
  },
  handle(ctx, args) {
    const view = manageable(ctx, args.with, ['active', 'proposed']);
    const other = otherPerson(view, ctx.actor.user);
    const what = view.series.status === 'proposed' ? `withdraw your proposal to ${other.displayName}` : `end your touch-points with ${other.displayName} (${describeRule(view.series)})`;
    return { messages: [{
      text: `Do you want to ${what}? Past touch-points and notes are kept.`,
      blocks: [
        { type: 'text', text: esc(`Do you want to ${what}? Past touch-points and notes are kept.`) },
        { type: 'actions', buttons: [
          { actionId: 'booking.cancel.confirm', label: view.series.status === 'proposed' ? 'Withdraw proposal' : 'End the series', value: String(view.series.id), style: 'danger' },
          { actionId: 'booking.cancel.keep', label: 'Keep it', value: String(view.series.id) },
        ] },
      ],
    }] };
  },
};

function confirmCancel(ctx: RequestContext, value: string): Reply {
  const { outbox } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const view = seriesFromValue(ctx, value);
  const decision = canManageSeries(ctx.actor, view.school, view.partnership);
  if (!decision.allowed) throw new Refusal(decision.reason);
  if (view.series.status !== 'active' && view.series.status !== 'proposed') throw new Refusal('That series has already ended.');
  const wasProposal = view.series.status === 'proposed';
  ctx.services.series.setSeriesStatus(tenantId, view.series.id, 'cancelled', ctx.now);
  for (const o of ctx.services.series.occurrencesOfSeries(tenantId, view.series.id, ctx.now, 1000)) {
    if (o.startsAt > ctx.now && o.status !== 'held' && o.status !== 'missed') ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'cancelled' }, ctx.actor.user.id, ctx.now);
  }
  outbox.cancelPending(seriesKey(view.series.id));
  outbox.cancelPending(`booking.proposal:${view.series.id}`);
  audit(ctx, view.school.id, 'series.cancel', 'series', view.series.id);
  const other = otherPerson(view, ctx.actor.user);
  ctx.notify(other, 'booking.cancelled', ok(wasProposal
    ? `${ctx.actor.user.displayName} withdrew the touch-point proposal (${describeRule(view.series)}).`
    : `${ctx.actor.user.displayName} ended your touch-points (${describeRule(view.series)}). Past notes are kept.`), `booking.cancel:${view.series.id}`);
  return { messages: [ok(wasProposal ? `Proposal withdrawn. ${other.displayName} has been told.` : `The series has ended. ${other.displayName} has been told. Book again any time with /touchpoint book.`)] };
}

// ---- closed -----------------------------------------------------------------------------------------

interface ClosedArgs { start: LocalDate; end: LocalDate; label: string }
const closed: CommandSpec<ClosedArgs> = {
  root: 'touchpoint', name: 'closed', visibility: 'channel-safe',
  usage: 'closed <date>[..<date>] <label>',
  describe: 'mark the school closed (holiday, testing day); touch-points those days are skipped',
  example: 'closed 2026-11-25..2026-11-27 Thanksgiving break',
  schema: (pctx) => z.object({
    start: zDate(pctx.today, 'missing the date (like 2026-11-26, or a range 2026-12-21..2027-01-01)'),
    end: zDate(pctx.today, 'missing the end of the range'),
    label: word('missing the label (like Thanksgiving break)').pipe(z.string().max(100, { error: 'the label must be at most 100 characters' })),
  }).refine((a) => a.end >= a.start, { error: 'the range must end on or after its start', path: ['end'] })
    .refine((a) => daysBetween(a.start, a.end) <= 366, { error: 'a closure can span at most a year', path: ['end'] }),
  fromWords(words) {
    if (words.length === 0) return null;
    const [start, end] = words[0].split('..');
    return { start, end: end === undefined ? start : end || undefined, label: words.slice(1).join(' ') || undefined };
  },
  form: () => ({
    text: 'Mark the school closed',
    blocks: [{ type: 'form', formId: 'touchpoint.closed', title: 'Mark the school closed', submitLabel: 'Save closure', inputs: [
      { id: 'start', label: 'First day', kind: 'date', required: true },
      { id: 'end', label: 'Last day', kind: 'date', required: true },
      { id: 'label', label: 'What is it', kind: 'text', required: true, placeholder: 'Thanksgiving break' },
    ] }],
  }),
  handle(ctx, args) {
    const { outbox } = ctx.services;
    const tenantId = ctx.actor.tenant.id;
    const school = pickSchool(ctx, ['principal', 'assistant_principal', 'admin'], 'Only a principal, assistant principal or admin can mark the school closed.');
    const decision = canManageClosures(ctx.actor, school);
    if (!decision.allowed) throw new Refusal(decision.reason);
    const closure = ctx.services.calendar.addClosure(tenantId, { schoolId: school.id, startDate: args.start, endDate: args.end, label: args.label, createdBy: ctx.actor.user.id }, ctx.now);
    audit(ctx, school.id, 'closure.add', 'closure', closure.id);
    let affected = 0;
    for (const series of ctx.services.series.activeSeriesOfSchool(tenantId, school.id)) {
      const view = viewOf(ctx.services, tenantId, series);
      materialise(ctx.services, tenantId, view, ctx.now, Math.max(63, daysBetween(todayIn(ctx.now, school.timeZone), args.end) + 7));
      for (const o of ctx.services.series.occurrencesOfSeries(tenantId, series.id, ctx.now, 1000)) {
        const on = heldOn(o, school.timeZone);
        if (o.status !== 'scheduled' || o.startsAt <= ctx.now || on < args.start || on > args.end) continue;
        ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'closed', reason: args.label }, ctx.actor.user.id, ctx.now);
        outbox.cancelPending(occurrenceKey(series.id, o.id));
        affected += 1;
        const line = `No touch-point on ${describeOccurrence(o, school.timeZone)}: ${school.name} is closed (${args.label}). ${nextLine(ctx, view)}`;
        for (const person of [view.principal, view.coach]) ctx.notify(person, 'booking.closed', ok(line), `booking.closed:${o.id}:${closure.id}:${person.id}`);
      }
    }
    const range = args.start === args.end ? formatLocalDate(args.start) : `${formatLocalDate(args.start)} to ${formatLocalDate(args.end)}`;
    return { messages: [{
      text: `${school.name} is closed ${range} (${args.label}). ${affected === 1 ? '1 touch-point' : `${affected} touch-points`} skipped; both people told.`,
      blocks: [
        { type: 'text', text: esc(`${school.name} is closed ${range} (${args.label}). ${affected === 1 ? '1 touch-point' : `${affected} touch-points`} skipped; both people told.`) },
        { type: 'actions', buttons: [{ actionId: 'booking.closure.undo', label: 'Undo', value: String(closure.id) }] },
      ],
    }] };
  },
};

function undoClosure(ctx: RequestContext, value: string): Reply {
  const tenantId = ctx.actor.tenant.id;
  const found = ctx.services.calendar.closureById(tenantId, Number(value));
  if (!found) throw new Refusal('That closure no longer exists.');
  const school = ctx.services.people.schoolById(tenantId, found.schoolId)!;
  const decision = canManageClosures(ctx.actor, school);
  if (!decision.allowed) throw new Refusal(decision.reason);
  ctx.services.calendar.removeClosure(tenantId, found.id);
  const remaining = ctx.services.calendar.closuresOfSchool(tenantId, school.id);
  let restored = 0;
  for (const series of ctx.services.series.activeSeriesOfSchool(tenantId, school.id)) {
    const view = viewOf(ctx.services, tenantId, series);
    for (const o of ctx.services.series.occurrencesOfSeries(tenantId, series.id, ctx.now, 1000)) {
      const on = heldOn(o, school.timeZone);
      if (o.status !== 'closed' || o.startsAt <= ctx.now || on < found.startDate || on > found.endDate) continue;
      if (remaining.some((c) => c.startDate <= on && on <= c.endDate)) continue;
      ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'scheduled', reason: null }, ctx.actor.user.id, ctx.now);
      restored += 1;
      const line = `The touch-point on ${describeOccurrence(o, school.timeZone)} is on again: the closure "${found.label}" was removed.`;
      for (const person of [view.principal, view.coach]) ctx.notify(person, 'booking.reopened', ok(line), `booking.reopened:${o.id}:${found.id}:${person.id}`);
    }
  }
  audit(ctx, school.id, 'closure.remove', 'closure', found.id);
  return { messages: [ok(`Removed the closure "${found.label}". ${restored === 1 ? '1 touch-point is' : `${restored} touch-points are`} on again.`)] };
}

export function registerBooking(registry: CommandRegistry): void {
  registry.planner(materialiseAhead);
  for (const spec of [setup, coach, book, next, skip, move, pause, resume, cancel, closed] as CommandSpec<never>[]) {
    registry.command(spec as CommandSpec<unknown>);
  }
  registry.action({ actionId: 'booking.accept', handle: (ctx, v) => answerProposal(ctx, v, true) });
  registry.action({ actionId: 'booking.decline', handle: (ctx, v) => answerProposal(ctx, v, false) });
  registry.action({ actionId: 'booking.unskip', handle: unskip });
  registry.action({ actionId: 'booking.cancel.confirm', handle: confirmCancel });
  registry.action({ actionId: 'booking.cancel.keep', handle: () => ({ messages: [ok('Kept. Nothing changed.')] }) });
  registry.action({ actionId: 'booking.closure.undo', visibility: 'channel-safe', handle: undoClosure });
  registry.homeSection(nextSection);
}

/** Home: the next touch-point of each series, or how to book one. */
function nextSection(ctx: RequestContext): Message['blocks'] {
  const tenantId = ctx.actor.tenant.id;
  const views = ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id).map((s) => viewOf(ctx.services, tenantId, s));
  const isBooker = ctx.actor.memberships.some((m) => m.role === 'coach' || LEADER_ROLES.includes(m.role));
  if (views.length === 0) {
    return isBooker ? [{ type: 'text', text: '**Your touch-points**' }, { type: 'context', text: 'None yet. Book one with /touchpoint book @name weekly tue 14:00.' }] : [];
  }
  const items = views.map((view) => {
    const other = otherPerson(view, ctx.actor.user);
    if (view.series.status === 'proposed') return `With **${esc(other.displayName)}**: proposed, ${esc(describeRule(view.series))}, awaiting an answer`;
    const occ = upcoming(ctx.services, tenantId, view, ctx.now, 1)[0];
    return `With **${esc(other.displayName)}**: ${esc(occ ? describeOccurrence(occ, view.school.timeZone) : 'nothing scheduled in the coming weeks')} (${esc(describeRule(view.series))})`;
  });
  return [{ type: 'text', text: '**Your next touch-points**' }, { type: 'list', items }];
}

