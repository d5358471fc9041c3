/** The demo school a newcomer meets on a fresh console database: clearly labelled, and skippable (--no-demo). */
import type { Services } from '../../src/core/ports';
import { CONSOLE_TENANT } from './session';

export const DEMO_SCHOOL = 'Demo Elementary';

const PEOPLE = [
  { handle: 'pat', name: 'Pat Rivera', role: 'principal' },
  { handle: 'casey', name: 'Casey Lee', role: 'coach' },
  { handle: 'taylor', name: 'Taylor Morgan', role: 'teacher' },
  { handle: 'jordan', name: 'Jordan Kim', role: 'teacher' },
] as const;

/** Seeds the demo school when the console workspace has no school yet; returns true when it did. */
export function seedDemo(services: Services, now: Date): boolean {
  return services.transaction(() => {
    const tenant = services.people.ensureTenant('console', CONSOLE_TENANT, now, 'Local console');
    if (services.people.schoolsOfTenant(tenant.id).length > 0) return false;
    const users = PEOPLE.map((p) => ({ ...p, user: services.people.ensureUser(tenant.id, p.handle, now, p.name, p.handle) }));
    const school = services.people.createSchool(
      tenant.id,
      { name: DEMO_SCHOOL, timeZone: 'America/New_York', dayStart: '07:30', dayEnd: '15:30', createdBy: users[0].user.id },
      now,
    );
    for (const u of users) services.people.addMembership(tenant.id, school.id, u.user.id, u.role, now);
    // Pat set the demo school up, so Pat is the workspace's admin (as the first to run setup would be).
    services.people.addTenantAdmin(tenant.id, users[0].user.id, null, now);
    services.audit.audit({ tenantId: tenant.id, schoolId: school.id, actorId: null, action: 'demo.seed', subjectType: 'school', subjectId: school.id }, now);
    return true;
  });
}
