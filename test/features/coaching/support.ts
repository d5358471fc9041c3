/**
 * The test harness (real SQLite, a recording notifier, a settable clock) with coaching shortcuts
 * and a probe command that shows what `/touchpoint report` adds for leaders:
 * the coaching demand, alone.
 */
import type { FormOutcome } from '../../../src/core/app';
import type { CommandRegistry } from '../../../src/core/registry';
import type { Reply } from '../../../src/core/context';
import { formOf, type Message } from '../../../src/messages/model';
import { coachingDemandMessage } from '../../../src/features/coaching';
import { createHarness, inbound, type Harness, type SentDm } from '../../support/harness';
import { z } from 'zod';

/** A test-only command showing what `/touchpoint report` will add: the coaching demand. */
function registerDemandProbe(registry: CommandRegistry): void {
  registry.command<Record<string, never>>({
    root: 'touchpoint',
    name: 'coaching-demand',
    usage: 'coaching-demand',
    describe: 'test probe',
    example: 'coaching-demand',
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

export function createCoachingHarness(
  opts: { start?: Date; databasePath?: string; erasureLedgerPath?: string; eraseInBackground?: boolean } = {},
): CoachingHarness {
  const base = createHarness({ ...opts, start: opts.start ?? new Date('2026-11-19T15:00:00Z') }); // Thu 10:00 New York
  const { core } = base;
  registerDemandProbe(core.registry);
  return {
    ...base,
    coaching: (handle, text, tenant) => core.app.command(inbound(handle, tenant), 'coaching', text),
    action: (handle, actionId, value, tenant) => core.app.action(inbound(handle, tenant), actionId, value),
    submit: (handle, formId, values, tenant) => core.app.submitForm(inbound(handle, tenant), formId, values),
    home: (handle, tenant) => core.app.home(inbound(handle, tenant)),
    demand: (handle, tenant) => core.app.command(inbound(handle, tenant), 'touchpoint', 'coaching-demand'),
  };
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
