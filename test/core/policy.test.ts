/**
 * Who may do what with a principal–coach series: through the commands and buttons a person can
 * actually reach (rows must be unchanged after every refusal), and the policy functions one by one.
 */
import { createHarness, seedDemoSchool, bookAccepted, inbound, text, type Harness } from '../support/harness';
import type { Actor, Membership, Partnership, Role, School, Series } from '../../src/core/model';
import {
  canAnswerProposal,
  canBook,
  canCreateSchool,
  canManageClosures,
  canManageCoaches,
  canManageSeries,
  canViewPartnership,
  hasRole,
  rolesAt,
} from '../../src/core/policy';

let h: Harness;
afterEach(() => h?.close());

const tid = (): number => h.user('pat').tenantId;

/** Everything a refusal must leave alone: the series rows, their next occurrences, the closures. */
function snapshot(): string {
  const school = h.core.services.people.schoolByName(tid(), 'Demo Elementary')!;
  const series = h.core.services.series.liveSeriesOfUser(tid(), h.user('casey').id);
  const allSeries = [...series, ...h.core.services.series.activeSeriesOfSchool(tid(), school.id)];
  return JSON.stringify({
    series: allSeries,
    statuses: allSeries.map((s) => h.core.services.series.seriesById(tid(), s.id)!.status),
    occurrences: series.map((s) => h.core.services.series.occurrencesOfSeries(tid(), s.id, h.clock.now(), 6)),
    closures: h.core.services.calendar.closuresOfSchool(tid(), school.id),
    outbox: h.core.db.prepare('SELECT COUNT(*) AS n FROM outbox').get(),
  });
}

function addMember(handle: string, name: string, role: Role): void {
  const school = h.core.services.people.schoolByName(tid(), 'Demo Elementary')!;
  const user = h.core.services.people.ensureUser(tid(), handle, h.clock.now(), name, handle);
  h.core.services.people.addMembership(tid(), school.id, user.id, role, h.clock.now());
}

const NO_SERIES = 'You have no touch-point booked. Book one with /touchpoint book @name weekly tue 14:00.';
/** A teacher is never told to book (they cannot): they are told where help is instead. */
const NO_SERIES_FOR_A_TEACHER =
  'You have no touch-point booked. Touch-points are between principals and coaches. To ask a coach for help, use /coaching request.';
const NOT_YOURS = 'Only the principal and the coach of a touch-point can see it.';

describe('a teacher cannot manage a principal–coach series', () => {
  let seriesId: number;
  let skippedOccurrenceId: number;
  let closureId: number;

  beforeEach(() => {
    h = createHarness();
    seedDemoSchool(h);
    bookAccepted(h);
    seriesId = h.core.services.series.liveSeriesOfUser(tid(), h.user('pat').id)[0].id;
    // Something for each button to point at: a skipped occurrence and a closure.
    h.run('pat', 'skip assembly');
    skippedOccurrenceId = h.core.services.series.occurrencesOfSeries(tid(), seriesId, h.clock.now(), 1)[0].id;
    h.run('pat', 'closed 2026-12-08 Inset day');
    closureId = h.core.services.calendar.closuresOfSchool(tid(), h.core.services.people.schoolByName(tid(), 'Demo Elementary')!.id)[0].id;
  });

  it.each<[typed: string, reply: string]>([
    ['book @casey weekly wed 10:00', 'Only principals, assistant principals and coaches of Demo Elementary book touch-points.'],
    ['book @pat weekly wed 10:00', 'Only principals, assistant principals and coaches of Demo Elementary book touch-points.'],
    ['skip', NO_SERIES_FOR_A_TEACHER],
    ['skip with @pat', 'You have no such touch-point with Pat Rivera.'],
    ['move thu 10:30', NO_SERIES_FOR_A_TEACHER],
    ['pause until 2027-01-05', NO_SERIES_FOR_A_TEACHER],
    ['resume', NO_SERIES_FOR_A_TEACHER],
    ['cancel', NO_SERIES_FOR_A_TEACHER],
    ['cancel with @casey', 'You have no such touch-point with Casey Lee.'],
    ['closed 2026-12-15 Snow day', 'Only a principal, assistant principal or admin can mark the school closed.'],
    ['coach remove @casey', 'Only a principal, assistant principal or admin manages coaches. Start your school with /touchpoint setup.'],
  ])('typing "%s" is refused and changes nothing', (typed, reply) => {
    const before = snapshot();
    expect(text(h.run('taylor', typed))).toBe(reply);
    expect(snapshot()).toBe(before);
  });

  it.each<[actionId: string, value: () => string, reply: string]>([
    ['booking.cancel.confirm', () => String(seriesId), NOT_YOURS],
    ['booking.unskip', () => String(skippedOccurrenceId), NOT_YOURS],
    ['booking.closure.undo', () => String(closureId), 'Only a principal, assistant principal or admin of Demo Elementary can mark the school closed.'],
    [
      'command.rerun',
      () => JSON.stringify({ root: 'touchpoint', text: `cancel with <@tp:${h.user('casey').id}>` }),
      'You have no such touch-point with Casey Lee.',
    ],
  ])('pressing %s with the series’ ids is refused and changes nothing', (actionId, value, reply) => {
    const before = snapshot();
    expect(text(h.core.app.action(inbound('taylor'), actionId, value()))).toBe(reply);
    expect(snapshot()).toBe(before);
    expect(h.core.services.series.seriesById(tid(), seriesId)!.status).toBe('active');
  });

  it('a teacher cannot answer a proposal, by Accept or Decline', () => {
    addMember('sam', 'Sam Ortiz', 'assistant_principal');
    h.run('sam', 'book @casey weekly wed 10:00');
    const proposal = h.core.services.series.liveSeriesOfUser(tid(), h.user('sam').id)[0];
    const before = snapshot();
    for (const actionId of ['booking.accept', 'booking.decline']) {
      expect(text(h.core.app.action(inbound('taylor'), actionId, String(proposal.id)))).toBe(NOT_YOURS);
    }
    expect(snapshot()).toBe(before);
    expect(h.core.services.series.seriesById(tid(), proposal.id)!.status).toBe('proposed');
  });
});

describe('other leaders and coaches of the same school', () => {
  let seriesId: number;

  beforeEach(() => {
    h = createHarness();
    seedDemoSchool(h);
    addMember('robin', 'Robin Hale', 'coach');
    addMember('sam', 'Sam Ortiz', 'assistant_principal');
    bookAccepted(h);
    seriesId = h.core.services.series.liveSeriesOfUser(tid(), h.user('pat').id)[0].id;
  });

  it('another coach cannot skip, move, pause, cancel or press the buttons of pat–casey’s series', () => {
    const before = snapshot();
    for (const typed of ['skip', 'move thu 10:30', 'pause until 2027-01-05', 'resume', 'cancel']) {
      expect(text(h.run('robin', typed))).toBe(NO_SERIES);
    }
    expect(text(h.run('robin', 'skip with @pat'))).toBe('You have no such touch-point with Pat Rivera.');
    expect(text(h.core.app.action(inbound('robin'), 'booking.cancel.confirm', String(seriesId)))).toBe(NOT_YOURS);
    expect(text(h.run('robin', 'closed 2026-12-01 Fun run'))).toBe('Only a principal, assistant principal or admin can mark the school closed.');
    expect(snapshot()).toBe(before);
  });

  it('another coach cannot undo pat’s skip', () => {
    h.run('pat', 'skip');
    const occ = h.core.services.series.occurrencesOfSeries(tid(), seriesId, h.clock.now(), 1)[0];
    expect(occ.status).toBe('skipped');
    const before = snapshot();
    expect(text(h.core.app.action(inbound('robin'), 'booking.unskip', String(occ.id)))).toBe(NOT_YOURS);
    expect(snapshot()).toBe(before);
  });

  it('an assistant principal outside the partnership cannot end it either', () => {
    const before = snapshot();
    expect(text(h.core.app.action(inbound('sam'), 'booking.cancel.confirm', String(seriesId)))).toBe(NOT_YOURS);
    expect(text(h.run('sam', 'cancel'))).toBe(NO_SERIES);
    expect(snapshot()).toBe(before);
  });

  it('another coach cannot answer a proposal addressed to casey', () => {
    h.run('sam', 'book @casey weekly wed 10:00');
    const proposal = h.core.services.series.liveSeriesOfUser(tid(), h.user('sam').id)[0];
    expect(text(h.core.app.action(inbound('robin'), 'booking.accept', String(proposal.id)))).toBe(NOT_YOURS);
    expect(h.core.services.series.seriesById(tid(), proposal.id)!.status).toBe('proposed');
  });

  it('a coach who lost the role can no longer manage the series', () => {
    const school = h.core.services.people.schoolByName(tid(), 'Demo Elementary')!;
    h.core.services.people.removeMembership(tid(), school.id, h.user('casey').id, 'coach');
    const before = snapshot();
    expect(text(h.run('casey', 'skip'))).toBe('You no longer hold your role at Demo Elementary.');
    expect(text(h.core.app.action(inbound('casey'), 'booking.cancel.confirm', String(seriesId)))).toBe('You no longer hold your role at Demo Elementary.');
    expect(snapshot()).toBe(before);
  });

  it('the partnership’s own people can, and an AP can close the school', () => {
    expect(text(h.run('casey', 'skip'))).toMatch(/^Skipped /);
    expect(text(h.run('sam', 'closed 2026-12-01 Fun run'))).toMatch(/^Demo Elementary is closed Tue 1 Dec 2026 \(Fun run\)\. 1 touch-point skipped/);
  });
});

// ---- the policy functions, one by one -------------------------------------------------------------

const TENANT = { id: 1, platform: 'console' as const, externalId: 'local', name: null };
const OTHER_TENANT = { id: 2, platform: 'console' as const, externalId: 'other', name: null };
const lincoln: School = { id: 10, tenantId: 1, name: 'Lincoln', timeZone: 'America/Chicago', dayStart: '07:30', dayEnd: '15:30' };
const roosevelt: School = { id: 11, tenantId: 1, name: 'Roosevelt', timeZone: 'America/Chicago', dayStart: '07:30', dayEnd: '15:30' };
const elsewhere: School = { id: 20, tenantId: 2, name: 'Elsewhere', timeZone: 'Europe/London', dayStart: '08:00', dayEnd: '16:00' };

function actor(userId: number, roles: [schoolId: number, role: Role][], tenant = TENANT): Actor {
  const memberships: Membership[] = roles.map(([schoolId, role]) => ({ schoolId, userId, role }));
  return { user: { id: userId, tenantId: tenant.id, externalId: `u${userId}`, displayName: `User ${userId}`, handle: null }, tenant, memberships };
}

const PRINCIPAL = 1;
const COACH = 2;
const partnership: Partnership = { id: 5, schoolId: lincoln.id, principalId: PRINCIPAL, coachId: COACH };
const series = (status: Series['status'], proposedBy: number): Series => ({
  id: 7,
  partnershipId: 5,
  cadence: 'weekly',
  weekday: 2,
  time: '14:00',
  durationMinutes: 30,
  startDate: '2026-11-23',
  status,
  pausedUntil: null,
  proposedBy,
  createdAt: new Date('2026-11-23T13:00:00Z'),
  materialisedThrough: null,
});

const principal = actor(PRINCIPAL, [[lincoln.id, 'principal']]);
const coach = actor(COACH, [[lincoln.id, 'coach']]);
const teacher = actor(3, [[lincoln.id, 'teacher']]);
const otherCoach = actor(4, [[lincoln.id, 'coach']]);
const ap = actor(6, [[lincoln.id, 'assistant_principal']]);
const admin = actor(8, [[lincoln.id, 'admin']]);
const stranger = actor(PRINCIPAL, [[elsewhere.id, 'principal']], OTHER_TENANT);

describe('rolesAt and hasRole', () => {
  const both = actor(9, [
    [lincoln.id, 'teacher'],
    [lincoln.id, 'coach'],
    [roosevelt.id, 'principal'],
  ]);
  it('list and test the roles at one school only', () => {
    expect(rolesAt(both, lincoln.id)).toEqual(['teacher', 'coach']);
    expect(rolesAt(both, roosevelt.id)).toEqual(['principal']);
    expect(rolesAt(both, elsewhere.id)).toEqual([]);
    expect(hasRole(both, lincoln.id, 'coach')).toBe(true);
    expect(hasRole(both, lincoln.id, 'principal', 'assistant_principal')).toBe(false);
    expect(hasRole(both, roosevelt.id, 'principal', 'assistant_principal')).toBe(true);
  });
});

describe('canCreateSchool', () => {
  it('lets only a workspace admin create a school', () => {
    expect(canCreateSchool({ ...actor(99, []), tenantAdmin: true })).toEqual({ allowed: true });
    expect(canCreateSchool(principal).allowed).toBe(false);
    expect(canCreateSchool(actor(99, []))).toEqual({
      allowed: false,
      reason:
        'Only a Touchpoint admin of this workspace creates schools: ask whoever installed Touchpoint to add you as an admin, or to create the school and name you its principal.',
    });
  });
});

describe('canManageCoaches', () => {
  it.each([
    ['principal', principal, true],
    ['assistant principal', ap, true],
    ['admin', admin, true],
    ['coach', coach, false],
    ['teacher', teacher, false],
  ] as const)('%s → %s', (_label, who, allowed) => {
    const d = canManageCoaches(who, lincoln);
    expect(d.allowed).toBe(allowed);
    if (!d.allowed) expect(d.reason).toBe('Only a principal, assistant principal or admin of Lincoln can change its coaches.');
  });
  it('a principal of one school cannot manage another school’s coaches, nor another tenant’s', () => {
    expect(canManageCoaches(principal, roosevelt).allowed).toBe(false);
    expect(canManageCoaches(principal, elsewhere)).toEqual({ allowed: false, reason: 'That school is not in your workspace.' });
  });
});

describe('canBook', () => {
  it('allows a leader with a coach, and a coach with a leader', () => {
    expect(canBook(principal, lincoln, ['coach'])).toEqual({ allowed: true });
    expect(canBook(ap, lincoln, ['coach', 'teacher'])).toEqual({ allowed: true });
    expect(canBook(coach, lincoln, ['principal'])).toEqual({ allowed: true });
    expect(canBook(coach, lincoln, ['assistant_principal'])).toEqual({ allowed: true });
  });
  it('refuses a teacher, an admin, and pairs that are not leader–coach, with the reason', () => {
    expect(canBook(teacher, lincoln, ['coach'])).toEqual({
      allowed: false,
      reason: 'Only principals, assistant principals and coaches of Lincoln book touch-points.',
    });
    expect(canBook(admin, lincoln, ['coach']).allowed).toBe(false);
    expect(canBook(principal, lincoln, ['teacher'])).toEqual({
      allowed: false,
      reason: 'A touch-point is between a principal and a coach: that person is not a coach at your school.',
    });
    expect(canBook(principal, lincoln, ['assistant_principal']).allowed).toBe(false);
    expect(canBook(coach, lincoln, ['coach'])).toEqual({
      allowed: false,
      reason: 'A touch-point is between a coach and a principal: that person is not a principal or assistant principal at your school.',
    });
    expect(canBook(coach, lincoln, [])).toEqual({
      allowed: false,
      reason: 'A touch-point is between a coach and a principal: that person is not a principal or assistant principal at your school.',
    });
  });
  it('grants the union of roles: a teacher who also coaches may book with the principal', () => {
    const teacherCoach = actor(9, [
      [lincoln.id, 'teacher'],
      [lincoln.id, 'coach'],
    ]);
    expect(canBook(teacherCoach, lincoln, ['principal'])).toEqual({ allowed: true });
  });
  it('roles count only at the school in question, and never across tenants', () => {
    const coachElsewhere = actor(9, [[roosevelt.id, 'coach']]);
    expect(canBook(coachElsewhere, lincoln, ['principal']).allowed).toBe(false);
    expect(canBook(stranger, lincoln, ['coach'])).toEqual({ allowed: false, reason: 'That school is not in your workspace.' });
  });
});

describe('canViewPartnership', () => {
  it('the principal and the coach of the partnership, and no one else', () => {
    expect(canViewPartnership(principal, lincoln, partnership)).toEqual({ allowed: true });
    expect(canViewPartnership(coach, lincoln, partnership)).toEqual({ allowed: true });
    for (const who of [teacher, otherCoach, ap, admin]) {
      expect(canViewPartnership(who, lincoln, partnership)).toEqual({ allowed: false, reason: NOT_YOURS });
    }
  });
  it('refuses when the school does not match the partnership, or is in another tenant', () => {
    expect(canViewPartnership(principal, roosevelt, partnership)).toEqual({ allowed: false, reason: 'That touch-point is not yours.' });
    // Same user id, other tenant: ids are not identities.
    expect(canViewPartnership(stranger, elsewhere, { ...partnership, schoolId: elsewhere.id, principalId: stranger.user.id }).allowed).toBe(true);
    expect(canViewPartnership(stranger, lincoln, partnership)).toEqual({ allowed: false, reason: 'That touch-point is not yours.' });
  });
});

describe('canManageSeries', () => {
  it('the two people, while they hold their roles', () => {
    expect(canManageSeries(principal, lincoln, partnership)).toEqual({ allowed: true });
    expect(canManageSeries(coach, lincoln, partnership)).toEqual({ allowed: true });
    const apSide = actor(PRINCIPAL, [[lincoln.id, 'assistant_principal']]);
    expect(canManageSeries(apSide, lincoln, partnership)).toEqual({ allowed: true });
  });
  it('not after losing the role', () => {
    const formerCoach = actor(COACH, [[lincoln.id, 'teacher']]);
    const formerPrincipal = actor(PRINCIPAL, [[lincoln.id, 'coach']]);
    expect(canManageSeries(formerCoach, lincoln, partnership)).toEqual({ allowed: false, reason: 'You no longer hold your role at Lincoln.' });
    expect(canManageSeries(formerPrincipal, lincoln, partnership)).toEqual({ allowed: false, reason: 'You no longer hold your role at Lincoln.' });
  });
  it('not for anyone outside the partnership, whatever their role', () => {
    for (const who of [teacher, otherCoach, ap, admin]) expect(canManageSeries(who, lincoln, partnership)).toEqual({ allowed: false, reason: NOT_YOURS });
    expect(canManageSeries(stranger, lincoln, partnership).allowed).toBe(false);
  });
});

describe('canAnswerProposal', () => {
  it('only the invitee answers, and only once', () => {
    const byPrincipal = series('proposed', PRINCIPAL);
    expect(canAnswerProposal(coach, lincoln, partnership, byPrincipal)).toEqual({ allowed: true });
    expect(canAnswerProposal(principal, lincoln, partnership, byPrincipal)).toEqual({
      allowed: false,
      reason: 'You proposed this touch-point; the other person answers it.',
    });
    expect(canAnswerProposal(principal, lincoln, partnership, series('proposed', COACH))).toEqual({ allowed: true });
    for (const status of ['active', 'declined', 'cancelled'] as const) {
      expect(canAnswerProposal(coach, lincoln, partnership, series(status, PRINCIPAL))).toEqual({
        allowed: false,
        reason: 'That proposal has already been answered.',
      });
    }
  });
  it('outsiders are refused before anything about the proposal is said', () => {
    expect(canAnswerProposal(teacher, lincoln, partnership, series('proposed', PRINCIPAL))).toEqual({ allowed: false, reason: NOT_YOURS });
    expect(canAnswerProposal(otherCoach, lincoln, partnership, series('active', PRINCIPAL))).toEqual({ allowed: false, reason: NOT_YOURS });
  });
});

describe('canManageClosures', () => {
  it.each([
    ['principal', principal, true],
    ['assistant principal', ap, true],
    ['admin', admin, true],
    ['coach', coach, false],
    ['teacher', teacher, false],
  ] as const)('%s → %s', (_label, who, allowed) => {
    const d = canManageClosures(who, lincoln);
    expect(d.allowed).toBe(allowed);
    if (!d.allowed) expect(d.reason).toBe('Only a principal, assistant principal or admin of Lincoln can mark the school closed.');
  });
  it('not at another school or in another tenant', () => {
    expect(canManageClosures(principal, roosevelt).allowed).toBe(false);
    expect(canManageClosures(stranger, lincoln)).toEqual({ allowed: false, reason: 'That school is not in your workspace.' });
  });
});

describe('hints a teacher can act on', () => {
  it('a teacher’s next, agenda and home never suggest booking', () => {
    const h = createHarness();
    seedDemoSchool(h);
    for (const typed of ['next', 'agenda']) {
      const reply = text(h.run('taylor', typed));
      expect({ typed, reply }).toEqual({ typed, reply: expect.not.stringContaining('/touchpoint book') as string });
      expect(reply).toContain('/coaching request');
    }
    expect(JSON.stringify(h.core.app.home(inbound('taylor')))).not.toContain('/touchpoint book');
    h.close();
  });
});
