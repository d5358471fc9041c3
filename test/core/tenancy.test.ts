/**
 * Tenant isolation: two workspaces ('local' and 'other') on one database. Nothing a person of
 * one can type or press reaches the other's people or rows, and every store method filters on
 * the tenant it is given.
 */
import { createHarness, seedDemoSchool, seedSchool, bookAccepted, inbound, text, type Harness } from '../support/harness';
import type { Closure, Occurrence, School, Series, User } from '../../src/core/model';

let h: Harness;

interface TenantB {
  tenantId: number;
  school: School;
  lee: User; // principal
  morgan: User; // coach
  caseyB: User; // coach, same handle as tenant A's casey
  active: Series; // lee–morgan, accepted
  proposal: Series; // lee → caseyB, awaiting an answer
  skipped: Occurrence;
  closure: Closure;
}
let a: { tenantId: number; school: School };
let b: TenantB;

beforeEach(async () => {
  h = createHarness();
  seedDemoSchool(h, 'local');
  seedSchool(h, {
    tenant: 'other',
    name: 'Other Academy',
    timeZone: 'Europe/London',
    members: [
      ['lee', 'Lee Grant', 'principal'],
      ['morgan', 'Morgan Diaz', 'coach'],
      ['casey', 'Casey Stone', 'coach'],
    ],
  });
  bookAccepted(h, 'book @morgan weekly tue 14:00', 'lee', 'morgan', 'other');
  h.run('lee', 'book @casey weekly thu 10:00', { tenant: 'other' });
  expect(text(h.run('lee', 'skip with @morgan', { tenant: 'other' }))).toMatch(/^Skipped /);
  expect(text(h.run('lee', 'closed 2026-12-08 Staff training', { tenant: 'other' }))).toMatch(/^Other Academy is closed/);

  const lee = h.user('lee', 'other');
  const tenantId = lee.tenantId;
  const school = h.core.services.people.schoolByName(tenantId, 'Other Academy')!;
  const [active, proposal] = h.core.services.series.liveSeriesOfUser(tenantId, lee.id);
  b = {
    tenantId,
    school,
    lee,
    morgan: h.user('morgan', 'other'),
    caseyB: h.user('casey', 'other'),
    active,
    proposal,
    skipped: h.core.services.series.occurrencesOfSeries(tenantId, active.id, h.clock.now(), 1)[0],
    closure: h.core.services.calendar.closuresOfSchool(tenantId, school.id)[0],
  };
  expect(active.status).toBe('active');
  expect(proposal.status).toBe('proposed');
  expect(b.skipped.status).toBe('skipped');
  a = { tenantId: h.user('pat').tenantId, school: h.core.services.people.schoolByName(h.user('pat').tenantId, 'Demo Elementary')! };
  expect(a.tenantId).not.toBe(b.tenantId);
  await h.deliver(); // the DMs of setting B up
});

afterEach(() => h.close());

/** Tenant B's rows as B sees them. */
function snapshotB(): string {
  return JSON.stringify({
    series: [b.active.id, b.proposal.id].map((id) => h.core.services.series.seriesById(b.tenantId, id)),
    occurrences: h.core.services.series.occurrencesOfSeries(b.tenantId, b.active.id, h.clock.now(), 6),
    closures: h.core.services.calendar.closuresOfSchool(b.tenantId, b.school.id),
    members: h.core.services.people.schoolMembers(b.tenantId, b.school.id, ['principal', 'assistant_principal', 'coach', 'teacher', 'admin']),
    partnerships: h.core.db.prepare('SELECT COUNT(*) AS n FROM partnerships').get(),
  });
}

describe('a user of tenant A cannot reach tenant B', () => {
  it('cannot name B’s people: by handle, by name, or by an internal mention of B’s user id', () => {
    const before = snapshotB();
    expect(text(h.run('pat', 'book @morgan weekly wed 10:00'))).toMatch(/^I don't know anyone called "@morgan" here\.\n/);
    expect(text(h.run('pat', 'book Morgan Diaz weekly wed 10:00'))).toMatch(/^I don't know anyone called "Morgan Diaz" here\.\n/);
    expect(text(h.run('pat', `book <@tp:${b.morgan.id}> weekly wed 10:00`))).toMatch(/^I don't know that person in this workspace\.\n/);
    // A forged choice button carrying B's user id fares no better.
    const forged = JSON.stringify({ root: 'touchpoint', text: `book <@tp:${b.morgan.id}> weekly wed 10:00` });
    expect(text(h.core.app.action(inbound('pat'), 'command.rerun', forged))).toMatch(/^I don't know that person in this workspace\./);
    expect(h.core.services.series.liveSeriesOfUser(a.tenantId, h.user('pat').id)).toEqual([]);
    expect(snapshotB()).toBe(before);
  });

  it('a handle both tenants use resolves to A’s own person, never B’s and never "ambiguous"', async () => {
    expect(text(h.run('pat', 'book @casey weekly wed 10:00'))).toMatch(/^Proposed to Casey Lee: /);
    const [series] = h.core.services.series.liveSeriesOfUser(a.tenantId, h.user('pat').id);
    expect(h.core.services.series.partnershipById(a.tenantId, series.partnershipId)!.coachId).toBe(h.user('casey').id);
    const dms = await h.deliver();
    expect(dms.filter((d) => d.message.text.startsWith('Pat Rivera proposes')).map((d) => d.to)).toEqual(['casey']);
    expect(h.core.services.series.liveSeriesOfUser(b.tenantId, b.caseyB.id).map((s) => s.id)).toEqual([b.proposal.id]);
  });

  it.each<[actionId: string, value: () => string, reply: string]>([
    ['booking.accept', () => String(b.proposal.id), 'That touch-point no longer exists.'],
    ['booking.decline', () => String(b.proposal.id), 'That touch-point no longer exists.'],
    ['booking.cancel.confirm', () => String(b.active.id), 'That touch-point no longer exists.'],
    ['booking.cancel.confirm', () => String(b.proposal.id), 'That touch-point no longer exists.'],
    ['booking.unskip', () => String(b.skipped.id), 'That touch-point no longer exists.'],
    ['booking.closure.undo', () => String(b.closure.id), 'That closure no longer exists.'],
  ])('pressing %s with B’s id is refused and B’s rows are unchanged', async (actionId, value, reply) => {
    const before = snapshotB();
    for (const who of ['pat', 'casey']) {
      expect(text(h.core.app.action(inbound(who), actionId, value()))).toBe(reply);
    }
    expect(snapshotB()).toBe(before);
    expect(await h.deliver()).toEqual([]);
  });

  it('B’s own people still can, so the refusals above are about the tenant', () => {
    expect(text(h.core.app.action(inbound('casey', 'other'), 'booking.accept', String(b.proposal.id)))).toMatch(/^Booked with Lee Grant: /);
    expect(text(h.core.app.action(inbound('lee', 'other'), 'booking.unskip', String(b.skipped.id)))).toMatch(/is on again\.$/);
    expect(text(h.core.app.action(inbound('lee', 'other'), 'booking.closure.undo', String(b.closure.id)))).toBe(
      'Removed the closure "Staff training". 1 touch-point is on again.',
    );
  });

  it('a closure in A does not touch B’s touch-points, and next shows each tenant only its own', () => {
    bookAccepted(h);
    const before = snapshotB();
    expect(text(h.run('pat', 'closed 2026-12-01 Snow day'))).toBe(
      'Demo Elementary is closed Tue 1 Dec 2026 (Snow day). 1 touch-point skipped; both people told.',
    );
    expect(snapshotB()).toBe(before);
    expect(text(h.run('pat', 'next'))).toBe('Next touch-point with Casey Lee: Tue 24 Nov 2026, 14:00–14:30 EST.');
    expect(text(h.run('casey', 'next'))).toBe('Next touch-point with Pat Rivera: Tue 24 Nov 2026, 14:00–14:30 EST.');
    expect(text(h.run('casey', 'next', { tenant: 'other' }))).toBe('Lee Grant proposed weekly on Thursdays, 10:00–10:30. Accept or decline.');
  });
});

describe('store methods called with the wrong tenant id', () => {
  it('read nothing of B', () => {
    const A = a.tenantId;
    expect(h.core.services.people.schoolById(A, b.school.id)).toBeUndefined();
    expect(h.core.services.people.schoolByName(A, 'Other Academy')).toBeUndefined();
    expect(h.core.services.people.schoolsOfTenant(A).map((s) => s.name)).toEqual(['Demo Elementary']);
    expect(h.core.services.people.userById(A, b.morgan.id)).toBeUndefined();
    expect(h.core.services.people.userByExternalId(A, 'morgan')).toBeUndefined();
    expect(h.core.services.people.usersByName(A, 'morgan')).toEqual([]);
    expect(h.core.services.people.usersByName(A, 'casey').map((u) => u.displayName)).toEqual(['Casey Lee']);
    expect(h.core.services.people.membershipsOf(A, b.morgan.id)).toEqual([]);
    expect(h.core.services.people.schoolMembers(A, b.school.id, ['principal', 'coach'])).toEqual([]);
    expect(h.core.services.series.partnershipById(A, b.active.partnershipId)).toBeUndefined();
    expect(h.core.services.series.seriesById(A, b.active.id)).toBeUndefined();
    expect(h.core.services.series.seriesById(A, b.proposal.id)).toBeUndefined();
    expect(h.core.services.series.liveSeriesOfUser(A, b.lee.id)).toEqual([]);
    expect(h.core.services.series.liveSeriesOfPartnership(A, b.active.partnershipId)).toEqual([]);
    expect(h.core.services.series.activeSeriesOfSchool(A, b.school.id)).toEqual([]);
    expect(h.core.services.series.occurrenceById(A, b.skipped.id)).toBeUndefined();
    expect(h.core.services.series.occurrencesOfSeries(A, b.active.id, new Date(0))).toEqual([]);
    expect(h.core.services.series.occurrencesInDates(A, b.active.id, '2026-01-01', '2027-12-31')).toEqual([]);
    expect(h.core.services.calendar.closuresOfSchool(A, b.school.id)).toEqual([]);
    expect(h.core.services.calendar.closureById(A, b.closure.id)).toBeUndefined();
    expect(h.core.services.audit.auditOfSchool(A, b.school.id)).toEqual([]);

    // The same calls with B's own tenant id do find them (so the above is about the tenant).
    const B = b.tenantId;
    expect(h.core.services.people.schoolById(B, b.school.id)?.name).toBe('Other Academy');
    expect(h.core.services.series.seriesById(B, b.active.id)?.status).toBe('active');
    expect(h.core.services.series.occurrenceById(B, b.skipped.id)?.status).toBe('skipped');
    expect(h.core.services.calendar.closureById(B, b.closure.id)?.label).toBe('Staff training');
    expect(h.core.services.series.occurrencesOfSeries(B, b.active.id, new Date(0)).length).toBeGreaterThan(0);
    expect(h.core.services.audit.auditOfSchool(B, b.school.id).length).toBeGreaterThan(0);
  });

  it('write nothing of B', () => {
    const A = a.tenantId;
    const now = h.clock.now();
    const pat = h.user('pat');
    const before = snapshotB();

    expect(h.core.services.calendar.removeClosure(A, b.closure.id)).toBeUndefined();
    expect(h.core.services.people.addMembership(A, b.school.id, pat.id, 'principal', now)).toBe(false);
    expect(h.core.services.people.addMembership(A, a.school.id, b.morgan.id, 'coach', now)).toBe(false);
    expect(h.core.services.people.removeMembership(A, b.school.id, b.morgan.id, 'coach')).toBe(false);
    expect(() => h.core.services.series.setSeriesStatus(A, b.active.id, 'cancelled', now)).toThrow();
    expect(() => h.core.services.series.setPausedUntil(A, b.active.id, '2027-01-05', '2026-11-23')).toThrow();
    expect(() => h.core.services.series.updateOccurrence(A, b.skipped.id, { status: 'scheduled' }, pat.id, now)).toThrow();
    expect(() =>
      h.core.services.series.ensureOccurrences(
        A,
        b.active.id,
        [{ originalDate: '2030-01-01', startsAt: now, endsAt: now, status: 'scheduled', reason: null }],
        now,
      ),
    ).toThrow();
    expect(() =>
      h.core.services.calendar.addClosure(A, { schoolId: b.school.id, startDate: '2026-12-24', endDate: '2026-12-24', label: 'x', createdBy: pat.id }, now),
    ).toThrow();
    expect(() => h.core.services.series.ensurePartnership(A, b.school.id, pat.id, b.morgan.id, now)).toThrow();
    expect(() =>
      h.core.services.series.createSeries(
        A,
        {
          partnershipId: b.active.partnershipId,
          cadence: 'weekly',
          weekday: 1,
          time: '09:00',
          durationMinutes: 30,
          startDate: '2026-12-01',
          proposedBy: pat.id,
        },
        now,
      ),
    ).toThrow();

    expect(snapshotB()).toBe(before);
  });
});
