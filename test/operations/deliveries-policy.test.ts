/** The policy's rules for failed deliveries: who reviews them, whose they see, and what a kind reveals. */
import { canReviewDeliveries, deliveryForAdmin, deliveryInReach } from '../../src/core/policy/governance';
import type { Actor, Membership, Role } from '../../src/core/model';

const actor = (roles: [schoolId: number, role: Role][], tenantAdmin = false): Actor => ({
  user: { id: 1, tenantId: 1, externalId: 'u1', displayName: 'Someone', handle: null },
  tenant: { id: 1, platform: 'console', externalId: 'local', name: null },
  memberships: roles.map(([schoolId, role]) => ({ schoolId, userId: 1, role })),
  tenantAdmin,
});
const at = (schoolId: number, role: Role): Membership => ({ schoolId, userId: 2, role });

describe('failed deliveries in the policy', () => {
  it('workspace admins and school admins review them; principals, coaches and teachers do not', () => {
    expect(canReviewDeliveries(actor([], true)).allowed).toBe(true);
    expect(canReviewDeliveries(actor([[1, 'admin']])).allowed).toBe(true);
    for (const role of ['principal', 'assistant_principal', 'coach', 'teacher'] as Role[]) {
      expect(canReviewDeliveries(actor([[1, role]]))).toEqual({
        allowed: false,
        reason: 'Only a Touchpoint admin or a school admin reviews failed deliveries.',
      });
    }
  });

  it('a school admin sees deliveries to people of the schools they administer only', () => {
    const schoolAdmin = actor([
      [1, 'admin'],
      [2, 'principal'],
    ]);
    expect(deliveryInReach(schoolAdmin, [at(1, 'coach')])).toBe(true);
    expect(deliveryInReach(schoolAdmin, [at(2, 'coach')])).toBe(false);
    expect(deliveryInReach(schoolAdmin, [])).toBe(false);
    expect(deliveryInReach(actor([], true), [])).toBe(true);
  });

  it('a coaching, escalation, erasure or unknown kind reveals neither itself nor its recipient', () => {
    for (const kind of ['coaching.request', 'coaching.nudge', 'escalation.urgent', 'escalation.reflect', 'erasure.redacted', 'something.new']) {
      expect(deliveryForAdmin(kind, 'Taylor Morgan')).toEqual({ label: 'private message', recipient: 'withheld (private)', private: true });
    }
    expect(deliveryForAdmin('agenda.prompt', 'Pat Rivera')).toEqual({ label: 'agenda prompt', recipient: 'Pat Rivera', private: false });
  });
});
