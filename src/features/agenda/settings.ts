/**
 * `settings`: a partnership's reminder timings (changing one plans its reminders again), which
 * reminders a person mutes for themselves, and the school's escalation pathway settings.
 */
import type { Reply, RequestContext } from '../../core/context';
import { UsageError } from '../../core/errors';
import { authorize } from '../../core/policy';
import { isLocalTime } from '../../core/datetime';
import { zMinutes, zTime } from '../../core/args';
import type { SeriesView } from '../booking/service';
import { agendaPartnership } from './service';
import { MUTABLE } from './reminders';
import { settingsMessage } from './messages';

export const SETTING_KEYS = ['prompt-days', 'prompt-time', 'agenda-lead', 'notes-delay', 'mute', 'unmute', 'reflect-days', 'urgent-ack'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Mutes or unmutes a kind of reminder for the actor alone. */
function changeMute(ctx: RequestContext, view: SeriesView, key: 'mute' | 'unmute', value: string): string {
  const kind = value.toLowerCase();
  if (!MUTABLE[kind])
    throw new UsageError(
      `"${value}" cannot be muted (you can mute: ${Object.keys(MUTABLE).join(', ')}; the compiled agenda and urgent escalations always arrive)`,
    );
  ctx.services.agenda.setMute(ctx.actor.tenant.id, ctx.actor.user.id, view.partnership.id, kind, key === 'mute');
  return key === 'mute' ? `Muted ${kind} reminders for you.` : `You will get ${kind} reminders again.`;
}

/** School-wide escalation pathway settings: the school's principals and APs decide them. */
function changeSchoolSetting(ctx: RequestContext, view: SeriesView, key: 'reflect-days' | 'urgent-ack', value: string): string {
  const tenantId = ctx.actor.tenant.id;
  authorize('escalation.settings', ctx.actor, view.school, key);
  const school = ctx.services.escalations.schoolSettings(tenantId, view.school.id);
  const n = Number(value);
  if (key === 'reflect-days') {
    if (!Number.isInteger(n) || n < 1 || n > 10) throw new UsageError(`reflect-days must be 1 to 10 school days (got "${value}")`);
    school.reflectDays = n;
  } else {
    const parsed = zMinutes(15, 1440, 'urgent-ack').safeParse(value);
    if (!parsed.success) throw new UsageError(parsed.error.issues[0].message);
    school.urgentAckMinutes = parsed.data;
  }
  ctx.services.escalations.saveSchoolSettings(tenantId, view.school.id, school);
  ctx.audit({ schoolId: view.school.id, action: 'settings.change', subjectType: 'school', subjectId: view.school.id, detail: key });
  return `Saved for ${view.school.name}.`;
}

/** A reminder timing of the partnership: saved, then its pending reminders are planned again. */
function changeTiming(ctx: RequestContext, view: SeriesView, key: 'prompt-days' | 'prompt-time' | 'agenda-lead' | 'notes-delay', v: string): string {
  const { agenda, outbox } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const pid = view.partnership.id;
  const next = { ...agenda.settings(tenantId, pid) };
  const int = (min: number, max: number, what: string): number => {
    const parsed = zMinutes(min, max, what).safeParse(v);
    if (!parsed.success) throw new UsageError(parsed.error.issues[0].message);
    return parsed.data;
  };
  if (key === 'prompt-days') {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 5) throw new UsageError(`prompt-days must be 1 to 5 school days (got "${v}")`);
    next.promptLeadDays = n;
  } else if (key === 'prompt-time') {
    const t = zTime().safeParse(v);
    if (!t.success || !isLocalTime(t.data)) throw new UsageError(`"${v}" is not a time (use 08:00 or 7:30am)`);
    next.promptTime = t.data;
  } else if (key === 'agenda-lead') next.agendaLeadMinutes = int(10, 1440, 'agenda-lead');
  else next.notesDelayMinutes = int(0, 240, 'notes-delay');
  agenda.saveSettings(tenantId, pid, next, ctx.now);
  // Replan: pending reminders of this partnership's meetings are withdrawn and planned again with the new timings.
  outbox.cancelPending(`s${view.series.id}:`);
  agenda.resetPlanning(tenantId, pid, ctx.now);
  ctx.audit({ schoolId: view.school.id, action: 'settings.change', subjectType: 'partnership', subjectId: pid, detail: key });
  return `Saved. Reminders are planned again with the new timing.`;
}

/** `settings [<key> <value>]`: changes one setting when given, then shows them all. */
export function changeSettings(ctx: RequestContext, args: { key?: SettingKey; value?: string; with?: string }): Reply {
  const { agenda } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const view = agendaPartnership(ctx, args.with);
  const { key } = args;
  let changed: string | undefined;
  if (key === 'mute' || key === 'unmute') changed = changeMute(ctx, view, key, args.value!);
  else if (key === 'reflect-days' || key === 'urgent-ack') changed = changeSchoolSetting(ctx, view, key, args.value!);
  else if (key) changed = changeTiming(ctx, view, key, args.value!);
  return {
    messages: [
      settingsMessage(view, ctx.actor.user, changed, {
        settings: agenda.settings(tenantId, view.partnership.id),
        mutes: agenda.mutes(tenantId, ctx.actor.user.id, view.partnership.id),
        school: ctx.services.escalations.schoolSettings(tenantId, view.school.id),
        mutable: Object.keys(MUTABLE),
      }),
    ],
  };
}
