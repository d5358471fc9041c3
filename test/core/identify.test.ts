/** Identity sync (`Touchpoint.identify`): the one call every adapter makes to know who is talking. */
import { buildCore, type Core } from '../../src/compose';
import { SettableClock } from '../../src/core/ports';

describe('Touchpoint.identify', () => {
  let core: Core;
  beforeEach(() => {
    core = buildCore({ databasePath: ':memory:', clock: new SettableClock(new Date('2026-11-23T15:00:00Z')) });
  });
  afterEach(() => core.close());

  it('creates the tenant and the user once, and a name the platform now gives replaces the stored one', () => {
    const first = core.app.identify({ platform: 'slack', tenantExternalId: 'T1', userExternalId: 'U1', tenantName: 'District 9' });
    expect(first.tenant).toMatchObject({ platform: 'slack', externalId: 'T1', name: 'District 9' });
    expect(first.user).toMatchObject({ externalId: 'U1', displayName: 'U1', handle: null });

    const again = core.app.identify({ platform: 'slack', tenantExternalId: 'T1', userExternalId: 'U1', displayName: 'Casey Lee', handle: 'casey' });
    expect(again.tenant.id).toBe(first.tenant.id);
    expect(again.user).toMatchObject({ id: first.user.id, displayName: 'Casey Lee', handle: 'casey' });
    // Saying nothing keeps what is known.
    expect(core.app.identify({ platform: 'slack', tenantExternalId: 'T1', userExternalId: 'U1' }).user).toMatchObject({
      displayName: 'Casey Lee',
      handle: 'casey',
    });
    // The same ids on another platform are other people.
    expect(core.app.identify({ platform: 'teams', tenantExternalId: 'T1', userExternalId: 'U1' }).tenant.id).not.toBe(first.tenant.id);
  });

  it('runs beforeUser between the tenant and the user, and one failure undoes both', () => {
    const seen: number[] = [];
    const { tenant, user } = core.app.identify(
      { platform: 'teams', tenantExternalId: 'tid', userExternalId: 'aad-1' },
      { beforeUser: (t) => void seen.push(t.id) },
    );
    expect(seen).toEqual([tenant.id]);
    expect(user.tenantId).toBe(tenant.id);

    expect(() =>
      core.app.identify(
        { platform: 'teams', tenantExternalId: 'other', userExternalId: 'aad-2' },
        {
          beforeUser: () => {
            throw new Error('refused');
          },
        },
      ),
    ).toThrow('refused');
    // No half-written identity: the new tenant went with the failure.
    expect(core.db.prepare(`SELECT COUNT(*) AS n FROM tenants WHERE external_id = 'other'`).get()).toEqual({ n: 0 });
  });
});
