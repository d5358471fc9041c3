/** Every domain event is heard: an event nobody listens to is a feature half-wired. */
import { DOMAIN_EVENTS } from '../../src/core/events';
import { buildRegistry } from '../../src/features';
import { seedSchool } from '../support/harness';
import { createCoachingHarness, type CoachingHarness } from '../features/coaching/support';

describe('domain events', () => {
  const registry = buildRegistry();

  it.each(DOMAIN_EVENTS.map((e) => [e]))('%s has at least one listener', (event) => {
    expect(registry.listenerCount(event)).toBeGreaterThan(0);
  });
});

describe('user.forgotten', () => {
  let h: CoachingHarness;
  beforeEach(() => {
    h = createCoachingHarness();
    seedSchool(h, {
      name: 'Demo Elementary',
      members: [
        ['pat', 'Pat Rivera', 'principal'],
        ['taylor', 'Taylor Morgan', 'teacher'],
      ],
    });
  });
  afterEach(() => h.close());

  it('removes the forgotten person’s calendar feed, so its link stops working', () => {
    const taylor = h.user('taylor');
    h.core.services.calendar.createFeed(taylor.tenantId, taylor.id, 'feed-token-of-taylor', h.clock.now());
    expect(h.core.services.calendar.feedOf(taylor.tenantId, taylor.id)).toBeDefined();
    const confirm = h.coaching('taylor', 'forget-me').messages[0];
    h.press('taylor', confirm, 'Erase everything');
    expect(h.core.services.calendar.feedOf(taylor.tenantId, taylor.id)).toBeUndefined();
  });
});
