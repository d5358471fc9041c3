/**
 * Test harness: the real core on a real SQLite database (in memory unless a path is given),
 * a settable clock, and a Notifier that records every DM instead of sending it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCore, type Core } from '../../src/compose';
import { SettableClock, type Delivery, type Logger, type Notifier, type UserRef } from '../../src/core/ports';
import type { Identity, Platform, Role, User } from '../../src/core/model';
import type { Inbound } from '../../src/core/app';
import type { Reply } from '../../src/core/context';
import { buttonsOf, type Message } from '../../src/messages/model';
import { ManualTimers } from './manual-timers';

export interface SentDm {
  to: string; // recipient's external id
  at: Date;
  message: Message;
}

/** Records DMs; `script` lets a test script failures (retry, unreachable, throw, never answer). */
export class RecordingNotifier implements Notifier {
  readonly sent: SentDm[] = [];
  readonly script: (Delivery | 'throw' | 'hang')[] = [];
  /** External ids the platform cannot deliver to at all (never opened the app, deactivated). */
  readonly unreachable = new Map<string, string>();
  constructor(
    readonly platform: Platform,
    private readonly clock: { now(): Date },
  ) {}
  async send(recipient: UserRef, message: Message): Promise<Delivery> {
    const never = this.unreachable.get(recipient.externalId);
    if (never !== undefined) return { status: 'unreachable', error: never };
    const scripted = this.script.shift();
    if (scripted === 'throw') throw new Error('network down');
    if (scripted === 'hang') return new Promise<Delivery>(() => undefined); // a process that dies mid-send
    if (scripted && scripted.status !== 'delivered') return scripted;
    this.sent.push({ to: recipient.externalId, at: this.clock.now(), message });
    return { status: 'delivered' };
  }
  to(externalId: string): SentDm[] {
    return this.sent.filter((d) => d.to === externalId);
  }
  clear(): void {
    this.sent.length = 0;
  }
}

export interface Harness {
  core: Core;
  clock: SettableClock;
  notifier: RecordingNotifier;
  /** The dispatcher's wake-up timers: armed as in the service, fired only by the test. */
  wakeTimers: ManualTimers;
  /** Runs a typed command as a console user of the given tenant. */
  run(handle: string, text: string, opts?: { root?: 'touchpoint' | 'coaching'; tenant?: string }): Reply;
  press(handle: string, message: Message, label: string, opts?: { tenant?: string }): Reply;
  /** Delivers what is due now; returns the DMs delivered by this call. */
  deliver(): Promise<SentDm[]>;
  /** Moves the clock and runs scheduler ticks at each due moment up to the target. */
  advance(ms: number): Promise<SentDm[]>;
  user(handle: string, tenant?: string): User;
  close(): void;
}

export function identity(handle: string, tenant = 'local'): Identity {
  return { platform: 'console', tenantExternalId: tenant, userExternalId: handle, handle };
}

export function inbound(handle: string, tenant = 'local'): Inbound {
  return { identity: identity(handle, tenant) };
}

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'touchpoint-test-')), 'test.db');
}

export function createHarness(
  opts: {
    start?: Date;
    databasePath?: string;
    logger?: Logger;
    busyTimeoutMs?: number;
    leaseMs?: number;
    adminUsers?: string[];
    erasureLedgerPath?: string;
    eraseInBackground?: boolean;
  } = {},
): Harness {
  const clock = new SettableClock(opts.start ?? new Date('2026-11-23T13:00:00Z')); // Mon 08:00 New York
  const notifier = new RecordingNotifier('console', clock);
  const wakeTimers = new ManualTimers();
  const core = buildCore({
    databasePath: opts.databasePath ?? ':memory:',
    clock,
    notifiers: [notifier],
    deliverImmediately: false,
    random: () => 0.5,
    logger: opts.logger,
    busyTimeoutMs: opts.busyTimeoutMs,
    leaseMs: opts.leaseMs,
    adminUsers: opts.adminUsers,
    dispatchWakeTimers: wakeTimers,
    erasureLedgerPath: opts.erasureLedgerPath,
    eraseInBackground: opts.eraseInBackground,
    // Background erasure slices follow one another at once: a test waits for the end, not for a timer.
    erasurePauseMs: 0,
  });
  const h: Harness = {
    core,
    clock,
    notifier,
    wakeTimers,
    run: (handle, text, o = {}) => core.app.command(inbound(handle, o.tenant), o.root ?? 'touchpoint', text),
    press(handle, message, label, o = {}) {
      const button = buttonsOf(message).find((b) => b.label === label);
      if (!button) throw new Error(`no button "${label}" in: ${message.text}`);
      return core.app.action(inbound(handle, o.tenant), button.actionId, button.value);
    },
    async deliver() {
      const before = notifier.sent.length;
      await core.dispatcher.dispatchDue();
      return notifier.sent.slice(before);
    },
    async advance(ms) {
      const before = notifier.sent.length;
      const target = clock.now().getTime() + ms;
      await core.scheduler.tick();
      while (clock.now().getTime() < target) {
        const due = core.services.outbox.nextDueAt()?.getTime() ?? Infinity;
        clock.set(new Date(Math.min(target, Math.max(due, clock.now().getTime() + 1), clock.now().getTime() + 86_400_000)));
        await core.scheduler.tick();
      }
      return notifier.sent.slice(before);
    },
    user(handle, tenant = 'local') {
      const t = core.services.people.ensureTenant('console', tenant, clock.now());
      const u = core.services.people.userByExternalId(t.id, handle);
      if (!u) throw new Error(`no user ${handle} in ${tenant}`);
      return u;
    },
    close: () => core.close(),
  };
  return h;
}

/** Seeds a school with members, as the admin commands would; returns the school id. */
export function seedSchool(
  h: Harness,
  spec: { tenant?: string; name: string; timeZone?: string; members: [handle: string, displayName: string, role: Role][] },
): number {
  const now = h.clock.now();
  const tenant = h.core.services.people.ensureTenant('console', spec.tenant ?? 'local', now);
  const creator = h.core.services.people.ensureUser(tenant.id, spec.members[0][0], now, spec.members[0][1], spec.members[0][0]);
  const school = h.core.services.people.createSchool(
    tenant.id,
    { name: spec.name, timeZone: spec.timeZone ?? 'America/New_York', dayStart: '07:30', dayEnd: '15:30', createdBy: creator.id },
    now,
  );
  for (const [handle, name, role] of spec.members) {
    const u = h.core.services.people.ensureUser(tenant.id, handle, now, name, handle);
    h.core.services.people.addMembership(tenant.id, school.id, u.id, role, now);
  }
  return school.id;
}

/** The demo-like school most tests start from: pat (principal), casey (coach), taylor and jordan (teachers). */
export function seedDemoSchool(h: Harness, tenant = 'local', timeZone = 'America/New_York'): number {
  return seedSchool(h, {
    tenant,
    name: 'Demo Elementary',
    timeZone,
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
      ['jordan', 'Jordan Kim', 'teacher'],
    ],
  });
}

/** Books and accepts a weekly series between pat and casey (or as given). */
export function bookAccepted(h: Harness, text = 'book @casey weekly tue 14:00', by = 'pat', other = 'casey', tenant = 'local'): void {
  const proposed = h.run(by, text, { tenant });
  if (!proposed.messages[0].text.startsWith('Proposed')) throw new Error(proposed.messages[0].text);
  const view = h.core.services.series.liveSeriesOfUser(h.user(other, tenant).tenantId, h.user(other, tenant).id).find((s) => s.status === 'proposed');
  if (!view) throw new Error('no proposal');
  const r = h.core.app.action(inbound(other, tenant), 'booking.accept', String(view.id));
  if (!r.messages[0].text.startsWith('Booked')) throw new Error(r.messages[0].text);
}

export const text = (r: Reply): string => r.messages.map((m) => m.text).join('\n');
