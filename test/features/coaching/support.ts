/**
 * A test core (real SQLite, the registry's planners and composers, a recording notifier, a
 * settable clock) with a probe command that shows what `/touchpoint report` adds for leaders:
 * the coaching demand, alone.
 */
import { buildCore, type Core } from '../../../src/compose';
import type { FormOutcome } from '../../../src/core/app';
import type { CommandRegistry } from '../../../src/core/registry';
import { SettableClock } from '../../../src/core/ports';
import type { Reply } from '../../../src/core/context';
import type { User } from '../../../src/core/model';
import { buttonsOf, formOf, type Message } from '../../../src/messages/model';
import { coachingDemandMessage } from '../../../src/features/coaching';
import { RecordingNotifier, inbound, type Harness, type SentDm } from '../../support/harness';
import { z } from 'zod';

/** A test-only command showing what `/touchpoint report` will add: the coaching demand. */
function registerDemandProbe(registry: CommandRegistry): void {
  registry.command<Record<string, never>>({
    root: 'touchpoint', name: 'coaching-demand', usage: 'coaching-demand', describe: 'test probe', example: 'coaching-demand',
    schema: () => z.object({}).transform(() => ({})),
    fromWords: () => ({}),
    handle: (ctx) => ({ messages: [coachingDemandMessage(ctx) ?? { text: 'No coaching demand to show.', blocks: [] }] }),
  });
}

export interface CoachingHarness extends Harness {
  coaching(handle: string, text: string, tenant?: string): Reply;
  action(handle: string, actionId: string, value: string, tenant?: string): Reply;
  submit(handle: string, formId: string, values: Record<string, string | undefined>, tenant?: string): FormOutcome;
  home(handle: string, tenant?: string): Message;
  demand(handle: string, tenant?: string): Reply;
}

export function createCoachingHarness(opts: { start?: Date } = {}): CoachingHarness {
  const clock = new SettableClock(opts.start ?? new Date('2026-11-19T15:00:00Z')); // Thu 10:00 New York
  const notifier = new RecordingNotifier('console', clock);
  const core: Core = buildCore({ databasePath: ':memory:', clock, notifiers: [notifier], deliverImmediately: false, random: () => 0.5 });
  registerDemandProbe(core.registry);

  const h: CoachingHarness = {
    core, clock, notifier,
    run: (handle, text, o = {}) => core.app.command(inbound(handle, o.tenant), o.root ?? 'touchpoint', text),
    coaching: (handle, text, tenant) => core.app.command(inbound(handle, tenant), 'coaching', text),
    action: (handle, actionId, value, tenant) => core.app.action(inbound(handle, tenant), actionId, value),
    submit: (handle, formId, values, tenant) => core.app.submitForm(inbound(handle, tenant), formId, values),
    home: (handle, tenant) => core.app.home(inbound(handle, tenant)),
    demand: (handle, tenant) => core.app.command(inbound(handle, tenant), 'touchpoint', 'coaching-demand'),
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
        const due = core.outbox.nextDueAt()?.getTime() ?? Infinity;
        clock.set(new Date(Math.min(target, Math.max(due, clock.now().getTime() + 1), clock.now().getTime() + 86_400_000)));
        await core.scheduler.tick();
      }
      return notifier.sent.slice(before);
    },
    user(handle, tenant = 'local'): User {
      const t = core.store.ensureTenant('console', tenant, clock.now());
      const u = core.store.userByExternalId(t.id, handle);
      if (!u) throw new Error(`no user ${handle} in ${tenant}`);
      return u;
    },
    close: () => core.close(),
  };
  return h;
}

export const formIn = (r: Reply): NonNullable<ReturnType<typeof formOf>> => {
  const form = r.messages.map(formOf).find((f) => f !== undefined);
  if (!form) throw new Error(`no form in: ${r.messages.map((m) => m.text).join('\n')}`);
  return form;
};

/** Asks as a teacher by typing topic and details, shares if asked, presses Send; returns the request id. */
export function ask(h: CoachingHarness, handle: string, topic: string, details: string, o: { share?: boolean; tenant?: string } = {}): number {
  let confirm = h.coaching(handle, `request ${topic} ${details}`, o.tenant).messages[0];
  if (o.share) confirm = h.press(handle, confirm, 'Share with my principal', { tenant: o.tenant }).messages[0];
  const sent = h.press(handle, confirm, 'Send request', { tenant: o.tenant });
  const m = /request #(\d+)/.exec(sent.messages[0].text);
  if (!m) throw new Error(sent.messages[0].text);
  return Number(m[1]);
}

export const dmsTo = (dms: SentDm[], handle: string): SentDm[] => dms.filter((d) => d.to === handle);
