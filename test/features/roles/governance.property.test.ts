/**
 * Governance as a property: random role changes (admins, principals, assistant principals, coach
 * invitations accepted or declined, removals), by random people — allowed or not — mixed with
 * teachers' unshared coaching requests and everyone looking at everything (queue, status, roles,
 * home, report, export, DMs). Whatever happens, nothing shown to someone while they are a principal
 * or assistant principal of the school contains an unshared request's words or its teacher's name.
 */
import fc from 'fast-check';
import type { Message } from '../../../src/messages/model';
import { buttonsOf } from '../../../src/messages/model';
import { buildExport } from '../../../src/features/operations/commands';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import { seedSchool } from '../../support/harness';
import { ask, createCoachingHarness, type CoachingHarness } from '../coaching/support';

// Distinctive names, so finding one in an output means it leaked.
const STAFF = [
  { handle: 'p1', name: 'Pia Quorvel', role: 'principal' as const },
  { handle: 'a1', name: 'Abe Strunzel', role: 'assistant_principal' as const },
  { handle: 'c1', name: 'Cleo Vambrick', role: 'coach' as const },
  { handle: 'x1', name: 'Xan Pellworth', role: undefined },
  { handle: 'x2', name: 'Xia Drummondt', role: undefined },
  { handle: 'ad', name: 'Ada Mintercole', role: undefined },
];
const TEACHERS = [
  { handle: 't1', name: 'Tamsin Wexholt' },
  { handle: 't2', name: 'Tobiah Quillane' },
];
const ROLE_WORDS = ['principal', 'assistant-principal', 'coach', 'admin'] as const;

type Op =
  | { kind: 'role'; actor: number; op: 'add' | 'remove'; target: number; role: number }
  | { kind: 'answer'; target: number; accept: boolean }
  | { kind: 'request'; teacher: number; token: string }
  | { kind: 'look'; person: number; what: 'queue' | 'status' | 'roles' | 'coach' | 'home' | 'report' | 'export' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('role' as const),
      actor: fc.nat({ max: STAFF.length - 1 }),
      op: fc.constantFrom('add' as const, 'remove' as const),
      target: fc.nat({ max: STAFF.length - 1 }),
      // Mostly the coach role: making a leader a coach is the attack this property is about.
      role: fc.constantFrom(0, 1, 2, 2, 2, 2, 3),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('answer' as const), target: fc.nat({ max: STAFF.length - 1 }), accept: fc.constantFrom(true, true, false) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      teacher: fc.nat({ max: TEACHERS.length - 1 }),
      token: fc.stringMatching(/^[A-Z]{5}[0-9]{3}$/),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('look' as const),
      person: fc.nat({ max: STAFF.length - 1 }),
      what: fc.constantFrom(
        'queue' as const,
        'queue' as const,
        'status' as const,
        'roles' as const,
        'coach' as const,
        'home' as const,
        'report' as const,
        'export' as const,
      ),
    }),
  },
);

const rendered = (m: Message): string => `${m.text}\n${renderPlainText(m)}`;

describe('governance', () => {
  it('no principal or assistant principal ever sees an unshared request, whatever roles are given and taken', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
        const h: CoachingHarness = createCoachingHarness();
        try {
          seedSchool(h, {
            name: 'Demo Elementary',
            members: [
              ...STAFF.filter((s) => s.role).map((s): [string, string, 'principal' | 'assistant_principal' | 'coach'] => [s.handle, s.name, s.role!]),
              ...TEACHERS.map((t): [string, string, 'teacher'] => [t.handle, t.name, 'teacher']),
            ],
          });
          const tenantId = h.user('p1').tenantId;
          for (const s of STAFF) h.core.services.people.ensureUser(tenantId, s.handle, h.clock.now(), s.name, s.handle);
          h.core.services.people.addTenantAdmin(tenantId, h.user('ad').id, null, h.clock.now());
          const secrets: string[] = [];
          const lastDm = new Map<string, Message>();
          const leads = (handle: string): boolean =>
            h.core.services.people.membershipsOf(tenantId, h.user(handle).id).some((m) => m.role === 'principal' || m.role === 'assistant_principal');
          const check = (who: string, outputs: Message[]): void => {
            if (!leads(who)) return;
            const text = outputs.map(rendered).join('\n');
            const leaked = secrets.filter((s) => text.includes(s));
            expect({ who, leaked }).toEqual({ who, leaked: [] });
          };
          const deliver = async (): Promise<void> => {
            for (const dm of await h.deliver()) {
              lastDm.set(dm.to, dm.message);
              check(dm.to, [dm.message]);
            }
          };
          for (const op of ops) {
            if (op.kind === 'role') {
              const actor = STAFF[op.actor].handle;
              check(actor, h.run(actor, `roles ${op.op} @${STAFF[op.target].handle} ${ROLE_WORDS[op.role]}`).messages);
            } else if (op.kind === 'answer') {
              const who = STAFF[op.target].handle;
              const invitation = lastDm.get(who);
              if (invitation && buttonsOf(invitation).some((b) => b.label === 'Accept'))
                check(who, h.press(who, invitation, op.accept ? 'Accept' : 'Decline').messages);
            } else if (op.kind === 'request') {
              const teacher = TEACHERS[op.teacher];
              secrets.push(op.token, teacher.name);
              try {
                ask(h, teacher.handle, 'engagement', `please help ${op.token}`);
              } catch {
                // no coach at the school right now: the request cannot be sent, which is fine
              }
            } else {
              const who = STAFF[op.person].handle;
              const actor = h.core.services.people.resolveActor({ platform: 'console', tenantExternalId: 'local', userExternalId: who }, h.clock.now());
              const outputs =
                op.what === 'home'
                  ? [h.core.app.home({ identity: { platform: 'console', tenantExternalId: 'local', userExternalId: who } })]
                  : op.what === 'export'
                    ? [
                        {
                          text: JSON.stringify(
                            buildExport(h.core.registry, h.core.services, actor, h.core.services.people.schoolById(tenantId, 1)!, h.clock.now()),
                          ),
                          blocks: [],
                        },
                      ]
                    : op.what === 'queue' || op.what === 'status'
                      ? h.coaching(who, op.what).messages
                      : h.run(who, op.what).messages;
              check(who, outputs);
            }
            await deliver();
          }
        } finally {
          h.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
