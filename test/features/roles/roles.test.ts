/**
 * Governed roles: who may give whom which role, a coach role only by acceptance, separation of
 * duties between a school's leaders and its coaches, and everyone concerned told.
 */
import { createHarness, seedSchool, text } from '../../support/harness';
import { buttonsOf } from '../../../src/messages/model';
import { ask, createCoachingHarness, dmsTo, type CoachingHarness } from '../coaching/support';

let h: CoachingHarness;

function makeAdmin(handle: string): void {
  const u = h.user(handle);
  h.core.services.people.addTenantAdmin(u.tenantId, u.id, null, h.clock.now());
}

function membershipRoles(handle: string): string[] {
  const u = h.user(handle);
  return h.core.services.people
    .membershipsOf(u.tenantId, u.id)
    .map((m) => m.role)
    .sort();
}

beforeEach(() => {
  h = createCoachingHarness();
  seedSchool(h, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
      ['jordan', 'Jordan Kim', 'teacher'],
      ['alex', 'Alex Admin', 'admin'],
    ],
  });
  makeAdmin('alex');
});
afterEach(() => h.close());

describe('separation of duties', () => {
  it('a principal cannot make themselves a coach, so they never read coaching requests', async () => {
    ask(h, 'taylor', 'classroom', 'I am struggling with transitions after lunch');
    const reply = text(h.run('pat', 'roles add @pat coach'));
    expect(reply).toBe(
      "You are principal at Demo Elementary: a school's principal or assistant principal never holds its coach role (coaching requests are confidential from leaders).",
    );
    expect(membershipRoles('pat')).toEqual(['principal']);
    expect(text(h.coaching('pat', 'queue'))).not.toContain('transitions');
    // The old path is closed too.
    expect(h.core.services.people.pendingInvitations(h.user('pat').tenantId, 1)).toEqual([]);
    await h.deliver();
    expect(
      dmsTo(h.notifier.sent, 'pat')
        .map((d) => d.message.text)
        .join('\n'),
    ).not.toContain('transitions');
  });

  it('a coach cannot be made principal or assistant principal of the same school', () => {
    expect(text(h.run('alex', 'roles add @casey principal'))).toBe(
      'Casey Lee is coach at Demo Elementary: a coach cannot also be its principal (coaching requests are confidential from leaders). Remove the coach role first.',
    );
    expect(text(h.run('pat', 'roles add @casey ap'))).toMatch(/^Casey Lee is coach at Demo Elementary: a coach cannot also be its assistant principal/);
    expect(membershipRoles('casey')).toEqual(['coach']);
  });
});

describe('who may give which role', () => {
  it('only admins name principals and admins; a principal names assistant principals', async () => {
    expect(text(h.run('pat', 'roles add @jordan principal'))).toBe('Only a Touchpoint admin names principals.');
    expect(text(h.run('casey', 'roles add @jordan admin'))).toBe('Only a Touchpoint admin names admins.');
    expect(text(h.run('casey', 'roles add @jordan ap'))).toBe(
      'Only a principal or assistant principal of Demo Elementary, or an admin, names assistant principals there.',
    );
    expect(text(h.run('pat', 'roles add @jordan assistant-principal'))).toBe('Jordan Kim is now assistant principal at Demo Elementary.');
    expect(membershipRoles('jordan')).toEqual(['assistant_principal', 'teacher']);
    const dms = await h.deliver();
    expect(dmsTo(dms, 'jordan').map((d) => d.message.text)).toEqual([
      'Pat Rivera made you assistant principal at Demo Elementary.\n/touchpoint help lists what you can do.',
    ]);
    const audit = h.core.services.audit.auditOfSchool(h.user('pat').tenantId, 1).map((a) => `${a.action}:${a.detail ?? ''}`);
    expect(audit).toContain('role.add:assistant_principal');
  });

  it('an unknown role, a missing person and a person of another workspace get one line and change nothing', () => {
    expect(text(h.run('pat', 'roles add @jordan janitor'))).toBe(
      '"janitor" is not a role: say principal, assistant-principal, coach or admin\nUsage: /touchpoint roles [add|remove @person principal|assistant-principal|coach|admin] [at <school>]',
    );
    expect(text(h.run('pat', 'roles add'))).toMatch(/^name the person, like @casey\nUsage:/);
    expect(text(h.run('pat', 'roles add @mallory coach'))).toMatch(/^I don't know anyone called "@mallory" here\.\nUsage: /);
    expect(membershipRoles('jordan')).toEqual(['teacher']);
  });

  it('the last admin cannot be removed', () => {
    expect(text(h.run('alex', 'roles remove @alex admin'))).toBe('That is the last Touchpoint admin of this workspace: add another admin first.');
    expect(text(h.run('alex', 'roles add @pat admin'))).toBe('Pat Rivera is now a Touchpoint admin of this workspace.');
    expect(text(h.run('pat', 'roles remove @alex admin'))).toBe('Alex Admin is no longer a Touchpoint admin.');
  });
});

describe('a coach role is held only once accepted', () => {
  it('invites, and the person accepts; teachers with open requests are told who can now read them', async () => {
    const request = ask(h, 'taylor', 'classroom', 'transitions after lunch');
    await h.deliver();
    expect(text(h.run('pat', 'roles add @jordan coach'))).toBe(
      'Asked Jordan Kim to be coach at Demo Elementary.\nThey accept or decline in a message from Touchpoint; until they accept, they are not a coach.',
    );
    expect(membershipRoles('jordan')).toEqual(['teacher']);
    const invitation = dmsTo(await h.deliver(), 'jordan')[0].message;
    expect(invitation.text).toBe('Pat Rivera asks you to be instructional coach at Demo Elementary. Accept or decline.');
    expect(buttonsOf(invitation).map((b) => b.label)).toEqual(['Accept', 'Decline']);
    // Nobody else answers it.
    expect(text(h.press('casey', invitation, 'Accept'))).toBe('That invitation is not yours.');
    expect(text(h.press('jordan', invitation, 'Accept'))).toMatch(/^You are now instructional coach at Demo Elementary\./);
    expect(membershipRoles('jordan')).toEqual(['coach', 'teacher']);
    const dms = await h.deliver();
    expect(dmsTo(dms, 'pat').map((d) => d.message.text)).toEqual(['Jordan Kim accepted: they are now coach at Demo Elementary.']);
    expect(dmsTo(dms, 'taylor').map((d) => d.message.text)).toEqual([
      `Jordan Kim is now a coach at Demo Elementary, so they can read your open coaching request #${request}.\nCoaches of your school read your requests; principals never do. /coaching withdraw <id> withdraws one.`,
    ]);
    expect(text(h.press('jordan', invitation, 'Accept'))).toBe('You already answered that invitation.');
  });

  it('a declined invitation gives no role; removing a coach tells the teachers whose requests they could read', async () => {
    ask(h, 'taylor', 'classroom', 'transitions after lunch');
    h.run('pat', 'roles add @jordan coach');
    const invitation = dmsTo(await h.deliver(), 'jordan')[0].message;
    expect(text(h.press('jordan', invitation, 'Decline'))).toBe('Declined. You are not a coach at Demo Elementary.');
    expect(membershipRoles('jordan')).toEqual(['teacher']);
    expect(text(h.run('pat', 'roles remove @casey coach'))).toBe('Casey Lee is no longer coach at Demo Elementary.');
    const dms = await h.deliver();
    expect(dmsTo(dms, 'casey').map((d) => d.message.text)).toEqual(['Pat Rivera removed you as coach at Demo Elementary.']);
    expect(dmsTo(dms, 'taylor').map((d) => d.message.text)[0]).toMatch(
      /^Casey Lee is no longer a coach at Demo Elementary and can no longer read your open coaching request #\d+\./,
    );
  });

  it('a pending invitation can be withdrawn, after which it cannot be accepted', async () => {
    h.run('pat', 'roles add @jordan coach');
    const invitation = dmsTo(await h.deliver(), 'jordan')[0].message;
    expect(text(h.run('pat', 'roles remove @jordan coach'))).toBe('Withdrew the invitation for Jordan Kim to be coach at Demo Elementary.');
    expect(text(h.press('jordan', invitation, 'Accept'))).toBe('That invitation was withdrawn.');
    expect(membershipRoles('jordan')).toEqual(['teacher']);
  });
});

describe('/touchpoint roles', () => {
  it('lists the school’s staff by role, never its teachers', () => {
    h.run('pat', 'roles add @jordan coach');
    const listing = text(h.run('pat', 'roles'));
    expect(listing).toBe(
      [
        'Roles at Demo Elementary',
        'Admins: Alex Admin',
        'Principals: Pat Rivera',
        'Assistant principals: none',
        'Coaches: Casey Lee',
        'Invited as coach (not yet accepted): Jordan Kim',
        'Change them: /touchpoint roles add|remove @person principal|assistant-principal|coach|admin',
      ].join('\n'),
    );
    expect(listing).not.toContain('Taylor');
  });

  it('a teacher holds no staff role and is told so', () => {
    expect(text(h.run('taylor', 'roles'))).toBe(
      'Roles are set by a school’s principal or assistant principal, or a Touchpoint admin; you hold no staff role yet.',
    );
  });
});

describe('who creates schools', () => {
  it('in a workspace with an admin, only admins create schools; nobody else becomes a principal that way', () => {
    expect(text(h.run('mallory', 'setup "Mallory Academy" America/New_York'))).toBe(
      'Only a Touchpoint admin of this workspace creates schools: ask whoever installed Touchpoint to add you as an admin, or to create the school and name you its principal.',
    );
    expect(h.core.services.people.schoolByName(h.user('pat').tenantId, 'Mallory Academy')).toBeUndefined();
    // So a would-be principal cannot then invite a teacher of another school as coach.
    expect(text(h.run('mallory', 'coach add @taylor'))).toBe(
      'Only a principal, assistant principal or admin manages coaches. Start your school with /touchpoint setup.',
    );
    expect(text(h.run('alex', 'setup "Lincoln Elementary" America/Chicago'))).toMatch(/^Created Lincoln Elementary/);
  });

  it('in a new workspace, the first person to set up a school becomes its admin, and the second is refused', () => {
    expect(text(h.run('first', 'setup "North School" America/New_York', { tenant: 'other' }))).toMatch(/^Created North School/);
    const first = h.user('first', 'other');
    expect(h.core.services.people.isTenantAdmin(first.tenantId, first.id)).toBe(true);
    expect(text(h.run('second', 'setup "South School" America/New_York', { tenant: 'other' }))).toMatch(
      /^Only a Touchpoint admin of this workspace creates schools/,
    );
  });
});

describe('ADMIN_USERS', () => {
  it('makes the listed people admins of their workspace when they first act, and nobody else', () => {
    const hh = createHarness({ adminUsers: ['dana'] });
    try {
      expect(text(hh.run('sam', 'roles'))).toBe(
        'Roles are set by a school’s principal or assistant principal, or a Touchpoint admin; you hold no staff role yet.',
      );
      expect(text(hh.run('dana', 'roles'))).toBe('There is no school yet. Start one with /touchpoint setup.');
      expect(hh.core.services.people.isTenantAdmin(hh.user('dana').tenantId, hh.user('dana').id)).toBe(true);
      expect(text(hh.run('sam', 'setup "Sam School" America/New_York'))).toMatch(/^Only a Touchpoint admin of this workspace creates schools/);
    } finally {
      hh.close();
    }
  });
});

describe('/touchpoint roles and reach', () => {
  it('marks the people Touchpoint cannot deliver to, and says what to do', () => {
    const casey = h.user('casey');
    h.core.services.people.markUnreachable(casey.tenantId, casey.id, 'never opened the app', h.clock.now());
    const listing = text(h.run('pat', 'roles'));
    expect(listing).toContain('Coaches: Casey Lee (cannot be reached)');
    expect(listing).toContain(
      'Touchpoint cannot deliver messages to those marked “cannot be reached”: ask them to open Touchpoint in your chat app (in Teams, from the Apps menu).',
    );
    expect(listing).toContain('Principals: Pat Rivera\n');
  });
});

describe('who can hold a role', () => {
  it('a bot, a deactivated account or another school’s person is refused in one line, and nothing changes', async () => {
    const tenantId = h.user('pat').tenantId;
    h.core.services.people.ensureUser(tenantId, 'helperbot', h.clock.now(), 'Helper Bot', 'helperbot', 'bot');
    h.core.services.people.ensureUser(tenantId, 'gone', h.clock.now(), 'Gone Person', 'gone', 'deactivated');
    const other = seedSchool(h, { name: 'Lincoln Elementary', members: [['lin', 'Lin Park', 'teacher']] });
    expect(other).toBeGreaterThan(1);
    expect(text(h.run('pat', 'roles add @helperbot coach'))).toBe('Helper Bot is a bot or an app, not a person, so they cannot hold a role.');
    expect(text(h.run('pat', 'roles add @gone ap'))).toBe('Gone Person has a deactivated account, so they cannot hold a role.');
    expect(text(h.run('pat', 'coach add @lin'))).toBe('Lin Park belongs to another school: ask a Touchpoint admin to give them a role at Demo Elementary.');
    expect(h.core.services.people.pendingInvitations(tenantId, 1)).toEqual([]);
    expect(await h.deliver()).toEqual([]);
    // An admin may bring them in (they still accept first).
    expect(text(h.run('alex', 'roles add @lin coach at Demo Elementary'))).toMatch(/^Asked Lin Park to be coach at Demo Elementary\./);
  });
});

describe('stepping down', () => {
  it('a coach may give up the coach role themselves (then forget-me is theirs again); nobody else without the right may', async () => {
    expect(text(h.run('jordan', 'roles remove @casey coach'))).toMatch(/^Roles are set by a school’s principal|^Only a principal/);
    h.run('pat', 'roles add @jordan coach');
    const invitation = (await h.deliver()).find((d) => d.to === 'jordan')!.message;
    h.press('jordan', invitation, 'Accept');
    expect(text(h.run('jordan', 'roles remove @jordan coach'))).toBe('Jordan Kim is no longer coach at Demo Elementary.');
    expect(membershipRoles('jordan')).toEqual(['teacher']);
  });
});
