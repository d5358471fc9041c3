/** The demo school a newcomer meets on a fresh console database: clearly labelled, and skippable (--no-demo). */
import type { Store } from '../../src/store/store';
import { CONSOLE_TENANT } from './console';

export const DEMO_SCHOOL = 'Demo Elementary';

const PEOPLE = [
  { handle: 'pat', name: 'Pat Rivera', role: 'principal' },
  { handle: 'casey', name: 'Casey Lee', role: 'coach' },
  { handle: 'taylor', name: 'Taylor Morgan', role: 'teacher' },
  { handle: 'jordan', name: 'Jordan Kim', role: 'teacher' },
] as const;

/** Seeds the demo school when the console workspace has no school yet; returns true when it did. */
export function seedDemo(store: Store, now: Date): boolean {
  return store.transaction(() => {
    const tenant = store.ensureTenant('console', CONSOLE_TENANT, now, 'Local console');
    if (store.schoolsOfTenant(tenant.id).length > 0) return false;
    const users = PEOPLE.map((p) => ({ ...p, user: store.ensureUser(tenant.id, p.handle, now, p.name, p.handle) }));
    const school = store.createSchool(tenant.id, { name: DEMO_SCHOOL, timeZone: 'America/New_York', dayStart: '07:30', dayEnd: '15:30', createdBy: users[0].user.id }, now);
    for (const u of users) store.addMembership(tenant.id, school.id, u.user.id, u.role, now);
    store.audit({ tenantId: tenant.id, schoolId: school.id, actorId: null, action: 'demo.seed', subjectType: 'school', subjectId: school.id }, now);
    return true;
  });
}
