/**
 * Differencing through erasure (DESIGN.md §1 "Who sees what"): a principal who reads the coaching
 * demand before and after a teacher's forget-me must not learn that teacher's topic and month. So
 * leaders see closed months only, each frozen when it ends; nothing done after the close (an
 * erasure, a withdrawal, a share, retention) changes a month already published. And an escalation
 * about a teacher reads "about a teacher" the same way whether the teacher erased, left the school
 * or was deactivated, so the change does not single out erasure.
 */
import type { Reply } from '../../../src/core/context';
import type { Message } from '../../../src/messages/model';
import { formOf } from '../../../src/messages/model';
import { internalMention } from '../../../src/core/app';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import { buildExport, runRetention } from '../../../src/features/operations/commands';
import { bookAccepted, identity, inbound, seedSchool, text } from '../../support/harness';
import { ask, createCoachingHarness, type CoachingHarness } from './support';

/** What a reader gets as text: the fallback (fields as `label: value; …`) — the demand message's fallback is its whole content. */
const all = (r: Reply): string => r.messages.map((m) => m.text).join('\n');

/** The counts block of one month in the principal's report: `Classroom management: 3; Student engagement: fewer than 3; …`. */
function monthIn(report: string, month: string): string | undefined {
  const lines = report.split('\n');
  const at = lines.indexOf(month);
  return at < 0 ? undefined : lines[at + 1];
}

let h: CoachingHarness;
afterEach(() => h.close());

/** Pat (principal), Casey (coach) and four teachers at Demo Elementary, on a given day. */
function school(start: Date): CoachingHarness {
  const harness = createCoachingHarness({ start });
  seedSchool(harness, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
      ['jordan', 'Jordan Kim', 'teacher'],
      ['riley', 'Riley Chen', 'teacher'],
      ['sam', 'Sam Ortiz', 'teacher'],
    ],
  });
  return harness;
}

function forgetMe(h: CoachingHarness, handle: string): void {
  h.coaching(handle, 'forget-me');
  const done = h.action(handle, 'coaching.forget.confirm', String(h.user(handle).id));
  expect(text(done)).toMatch(/^Done\. Touchpoint erased/);
}

function exportedDemand(h: CoachingHarness): { months: { month: string; byTopic: Record<string, string> }[] } {
  const pat = h.core.services.people.resolveActor(identity('pat'), h.clock.now());
  const demo = h.core.services.people.schoolByName(pat.tenant.id, 'Demo Elementary')!;
  return buildExport(h.core.registry, h.core.services, pat, demo, h.clock.now()).coachingDemand as {
    months: { month: string; byTopic: Record<string, string> }[];
  };
}

describe('coaching demand: closed months only, frozen when they end', () => {
  it('the measured repro: after Taylor’s forget-me, October still shows "Classroom management: 3"', () => {
    h = school(new Date('2026-10-06T15:00:00Z')); // Tue 6 Oct, 11:00 New York
    for (const who of ['taylor', 'jordan', 'riley']) ask(h, who, 'classroom-management', `${who} needs help with transitions`);
    // October is still open: the principal does not see it yet, in the report or the export.
    expect(all(h.demand('pat'))).not.toContain('October 2026');
    expect(exportedDemand(h).months.map((m) => m.month)).toEqual(['September 2026', 'August 2026', 'July 2026']);

    h.clock.set(new Date('2026-11-03T15:00:00Z')); // October has closed; nobody has looked since
    const before = all(h.demand('pat'));
    expect(monthIn(before, 'October 2026')).toMatch(/^Classroom management: 3;/);
    expect(before).not.toContain('November 2026');

    forgetMe(h, 'taylor');
    const after = all(h.demand('pat'));
    expect(after).toBe(before);
    expect(monthIn(after, 'October 2026')).toMatch(/^Classroom management: 3;/);
    expect(after).not.toMatch(/Taylor|transitions/);
    expect(exportedDemand(h).months[0]).toEqual({
      month: 'October 2026',
      byTopic: expect.objectContaining({ 'Classroom management': '3' }) as Record<string, string>,
    });
  });

  it('an erasure right after the close, before anyone looked, still leaves the month as it closed', () => {
    h = school(new Date('2026-10-06T15:00:00Z'));
    for (const who of ['taylor', 'jordan', 'riley']) ask(h, who, 'engagement', 'quiet class');
    h.clock.set(new Date('2026-11-01T05:00:00Z')); // 00:00 New York on 1 November: October just closed
    forgetMe(h, 'taylor');
    expect(monthIn(all(h.demand('pat')), 'October 2026')).toContain('Student engagement: 3');
  });

  it('the current month never appears, in the report or the export, until it has closed', () => {
    h = school(new Date('2026-11-19T15:00:00Z'));
    for (const who of ['taylor', 'jordan', 'riley']) ask(h, who, 'assessment', 'data meetings');
    const report = all(h.demand('pat'));
    expect(report).not.toContain('November 2026');
    // The closed months had no requests: the report says so in one line instead of a grid of "fewer than 3".
    expect(report.match(/^(\w+ 2026)$/gm)).toBeNull();
    expect(report).toContain('No coaching requests in these months.');
    expect(report).toContain('Closed months only, frozen when the month ends');
    expect(exportedDemand(h).months.map((m) => m.month)).toEqual(['October 2026', 'September 2026', 'August 2026']);

    h.clock.set(new Date('2026-12-01T15:00:00Z'));
    expect(monthIn(all(h.demand('pat')), 'November 2026')).toContain('Assessment and data: 3');
    expect(exportedDemand(h).months[0]).toEqual({
      month: 'November 2026',
      byTopic: expect.objectContaining({ 'Assessment and data': '3' }) as Record<string, string>,
    });
  });

  it('a withdrawal, a share or retention after the close does not change a published month', () => {
    h = school(new Date('2026-10-06T15:00:00Z'));
    const ids = ['taylor', 'jordan', 'riley'].map((who) => ask(h, who, 'technology', 'the new tablets'));
    // Sam starts a request late on 31 October and shares and sends it only in November.
    h.clock.set(new Date('2026-11-01T03:30:00Z')); // 23:30 New York
    const draft = h.coaching('sam', 'request technology smartboard').messages[0];
    h.clock.set(new Date('2026-11-01T05:30:00Z'));
    const published = all(h.demand('pat'));
    expect(monthIn(published, 'October 2026')).toContain('Technology: 3');

    expect(text(h.coaching('taylor', `withdraw ${ids[0]}`))).toMatch(/withdrawn/i);
    expect(text(h.press('sam', h.press('sam', draft, 'Share with my principal').messages[0], 'Send request'))).toMatch(/request #\d+/);
    expect(monthIn(all(h.demand('pat')), 'October 2026')).toBe(monthIn(published, 'October 2026'));

    // Retention at its shortest (30 days) deletes Taylor's withdrawn October request in December: October stays as published.
    h.clock.set(new Date('2026-12-10T15:00:00Z'));
    expect(runRetention(h.core.registry, h.core.services, h.clock.now(), 30)).toBeGreaterThan(0);
    expect(h.core.services.coaching.byId(h.user('pat').tenantId, ids[0])).toBeUndefined();
    expect(monthIn(all(h.demand('pat')), 'October 2026')).toBe(monthIn(published, 'October 2026'));
  });

  it('months are frozen by the scheduler as they close, even when nobody looks', async () => {
    h = school(new Date('2026-10-20T15:00:00Z'));
    for (const who of ['taylor', 'jordan', 'riley']) ask(h, who, 'curriculum', 'pacing');
    await h.advance(new Date('2026-11-01T06:00:00Z').getTime() - h.clock.now().getTime());
    const rows = h.core.db.prepare(`SELECT month, topic, count FROM demand_snapshots WHERE month = '2026-10' AND count > 0`).all();
    expect(rows).toEqual([{ month: '2026-10', topic: 'curriculum', count: 3 }]);
  });
});

describe('an escalation about a teacher whose name is gone', () => {
  // It names Taylor in its text too: that reads the same after any of the three as well.
  const CONCERN = 'Taylor Morgan has not started the new phonics block in Room 12.';

  /** Casey raises an escalation about Taylor to Pat; `then` happens to Taylor; Pat's list of escalations, as Pat reads it. */
  function escalationAfter(then: (h: CoachingHarness) => void): { before: string; after: string } {
    h = school(new Date('2026-11-18T15:00:00Z')); // Wed 10:00 New York
    bookAccepted(h);
    const form = formOf(h.run('casey', 'escalate').messages[0])!;
    const asked = h.core.app.submitForm(inbound('casey'), form.formId, {
      concern: CONCERN,
      category: 'curriculum',
      about: internalMention(h.user('taylor')),
      urgency: 'wait',
    }).reply;
    const last = (r: Reply): Message => r.messages[r.messages.length - 1];
    h.press('casey', last(h.press('casey', last(asked), 'Yes, we talked')), 'Raise it — they know');
    h.clock.set(new Date('2026-11-24T18:00:00Z')); // the compiled agenda for Tue 24 Nov 14:00: Pat may read it now
    const before = renderPlainText(h.run('pat', 'escalations').messages[0]);
    then(h);
    const after = renderPlainText(h.run('pat', 'escalations').messages[0]);
    h.close();
    return { before, after };
  }

  it('reads the same whether Taylor erased, left the school or was deactivated', () => {
    const erased = escalationAfter((h) => forgetMe(h, 'taylor'));
    const left = escalationAfter((h) => {
      const taylor = h.user('taylor');
      expect(h.core.services.people.removeMembership(taylor.tenantId, 1, taylor.id, 'teacher')).toBe(true);
    });
    const deactivated = escalationAfter((h) => {
      const taylor = h.user('taylor');
      h.core.services.people.ensureUser(taylor.tenantId, 'taylor', h.clock.now(), 'Taylor Morgan', 'taylor', 'deactivated');
    });
    for (const seen of [erased, left, deactivated]) {
      expect(seen.before).toContain('about Taylor Morgan');
      expect(seen.after).toContain('about a teacher');
      expect(seen.after).not.toContain('Taylor');
    }
    expect(left.after).toBe(erased.after);
    expect(deactivated.after).toBe(erased.after);
    h = school(new Date('2026-11-18T15:00:00Z')); // for afterEach
  });
});
