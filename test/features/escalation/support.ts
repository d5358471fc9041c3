/** The escalation tests' school: a principal and an AP, two coaches, two teachers, an admin; another tenant's look-alikes; pat ↔ casey booked. */
import { bookAccepted, seedSchool, type Harness } from '../../support/harness';

export function seedEscalationSchools(h: Harness): void {
  seedSchool(h, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['sam', 'Sam Ortiz', 'assistant_principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['robin', 'Robin Diaz', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
      ['jordan', 'Jordan Kim', 'teacher'],
      ['alex', 'Alex Admin', 'admin'],
    ],
  });
  seedSchool(h, {
    tenant: 'other',
    name: 'Other School',
    members: [
      ['pat', 'Pat Other', 'principal'],
      ['casey', 'Casey Other', 'coach'],
    ],
  });
  bookAccepted(h); // pat ↔ casey, Tuesdays 14:00
}
