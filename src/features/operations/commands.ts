/**
 * `/touchpoint export` (a school's data as JSON, within every privacy rule) and retention (old
 * closed records and logs deleted on schedule).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandRegistry, CommandSpec } from '../../core/registry';
import type { Services } from '../../core/context';
import type { Actor, School } from '../../core/model';
import { authorize, canCountEscalations, canReadAuditLog, decide } from '../../core/policy';
import { noArguments } from '../../core/args';
import { escapeMarkup as esc } from '../../messages/model';
import { pickSchool } from '../booking/service';
import { CATEGORY_LABELS, STAGE_LABELS } from '../escalation/messages';
import type { Clock } from '../../core/ports';
import { registerDeliveries } from './deliveries';
import { registerFailureDigest } from './digest';

export const EXPORT_LINK_MINUTES = 15;

/**
 * The export: the school, its people and roles, its calendar, each partnership's schedule and
 * health counts, escalations as counts by category and stage, the audit log (without coaching
 * actions), and what other features add. Agenda content, notes and coaching request text are
 * private to their partnerships and teachers, and are not in it.
 */
export function buildExport(registry: CommandRegistry, services: Services, actor: Actor, school: School, now: Date): Record<string, unknown> {
  const { escalations, operations } = services;
  const tenantId = school.tenantId;
  // Teachers are not listed: a teacher joins a school by asking a coach for help, so the list
  // would tell who asked.
  const members = services.people.schoolMembers(tenantId, school.id, ['principal', 'assistant_principal', 'coach', 'admin']);
  const out: Record<string, unknown> = {
    exportedAt: now.toISOString(),
    exportedBy: actor.user.displayName,
    privacy:
      'Agenda items, notes, priorities and action items belong to each principal–coach partnership; escalation texts to the coach and principals; coaching requests to teachers and coaches. They are not exported, and teachers are not listed. For admins, escalations appear as counts by category and stage, with the audit log; coaching requests appear as monthly counts by topic for closed months, frozen when each month ends (under 3 shown as "fewer than 3"), and the requests teachers chose to share.',
    school: { name: school.name, timeZone: school.timeZone, schoolDay: `${school.dayStart}-${school.dayEnd}` },
    members: members.map((m) => ({ name: m.displayName, role: m.role })),
    closures: services.calendar.closuresOfSchool(tenantId, school.id).map((c) => ({ from: c.startDate, to: c.endDate, label: c.label })),
    partnerships: operations.schoolSchedule(tenantId, school.id),
    escalations: canCountEscalations(actor, school).allowed
      ? escalations.countsOfSchool(tenantId, school.id).map((r) => ({ category: CATEGORY_LABELS[r.category], stage: STAGE_LABELS[r.stage], count: r.n }))
      : [],
    auditLog: canReadAuditLog(actor, school).allowed ? operations.auditForExport(tenantId, school.id) : [],
  };
  for (const section of registry.exportSections) Object.assign(out, section(services, actor, school, now));
  return out;
}

function registerExportCommand(registry: CommandRegistry, baseUrl: string): void {
  const exportCommand: CommandSpec<Record<string, never>> = {
    root: 'touchpoint',
    name: 'export',
    usage: 'export',
    describe: 'a JSON export of your school’s data, within the privacy rules (admins and principals)',
    example: 'export',
    ...noArguments,
    handle(ctx) {
      const school = pickSchool(ctx, ['admin', 'principal'], 'Only a school admin or principal exports the school’s data.');
      authorize('school.export', ctx.actor, school);
      const token = randomBytes(24).toString('base64url');
      const expiresAt = new Date(ctx.now.getTime() + EXPORT_LINK_MINUTES * 60_000);
      ctx.services.operations.createExportLink(token, { tenantId: ctx.actor.tenant.id, schoolId: school.id, userId: ctx.actor.user.id, expiresAt }, ctx.now);
      ctx.audit({ schoolId: school.id, action: 'school.export', subjectType: 'school', subjectId: school.id });
      const url = `${baseUrl}/export/${token}.json`;
      return {
        messages: [
          {
            text: `Your export of ${school.name} is ready: ${url} (works once, for ${EXPORT_LINK_MINUTES} minutes).`,
            blocks: [
              { type: 'text', text: `Your export of **${esc(school.name)}** is ready: [download the JSON](${esc(url)})` },
              {
                type: 'context',
                text: esc(
                  `The link works once, for ${EXPORT_LINK_MINUTES} minutes. Private agenda content, escalation texts and unshared coaching requests are not in it.`,
                ),
              },
            ],
          },
        ],
      };
    },
  };
  registry.command(exportCommand);
}

/** GET /export/<token>.json: the export, built now, for a valid unused link; 404 otherwise. */
export function exportRoute(registry: CommandRegistry, services: Services, clock: Clock) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const m = /^\/export\/([A-Za-z0-9_-]{20,64})\.json$/.exec((req.url ?? '').split('?')[0]);
    const link = m ? services.operations.useExportLink(m[1], clock.now()) : undefined;
    const school = link && services.people.schoolById(link.tenantId, link.schoolId);
    const user = link && services.people.userById(link.tenantId, link.userId);
    const tenant = link && services.people.tenantById(link.tenantId);
    const notFound = (): void => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
    };
    if (!link || !school || !user || !tenant) return notFound();
    const actor: Actor = { user, tenant, memberships: services.people.membershipsOf(link.tenantId, user.id) };
    // The policy is asked again: a role removed since the link was made ends the right to it.
    if (!decide('school.export', actor, school).allowed) return notFound();
    const body = JSON.stringify(buildExport(registry, services, actor, school, clock.now()), null, 2);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="touchpoint-export-${school.id}.json"`,
      'cache-control': 'no-store',
    });
    res.end(body);
  };
}

/**
 * Retention, once per day: closed records and logs older than the setting are deleted, by every
 * feature's registered step; returns how many rows those steps deleted. Expired export links and
 * month-old form ids go too (not counted).
 */
export function runRetention(registry: CommandRegistry, services: Services, now: Date, retentionDays: number): number {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  let deleted = 0;
  services.transaction(() => {
    for (const step of registry.retentionSteps) deleted += step(services, before, now);
    services.operations.deleteExpiredExportLinks(now);
    services.operations.deleteOldFormSubmissions(now);
  });
  return deleted;
}

export function registerOperations(registry: CommandRegistry, options: { baseUrl: string; retentionDays: number }): void {
  registerExportCommand(registry, options.baseUrl);
  registerDeliveries(registry);
  registerFailureDigest(registry);
  registry.retentionStep((services, before) => services.operations.deleteClosedEscalations(before));
  // Delivered and given-up DMs keep their composed text in the outbox: they go with the same window.
  registry.retentionStep((services, before) => services.operations.deleteFinishedOutbox(before));
  registry.retentionStep((services, before) => services.operations.deleteOldDeliveryLog(before));
  // The audit log is ids and short facts, but who did what, when, is still about people: the same window.
  registry.retentionStep((services, before) => services.operations.deleteOldAudit(before));
  let lastDay = '';
  registry.planner((services, now) => {
    const day = now.toISOString().slice(0, 10);
    if (day === lastDay) return;
    runRetention(registry, services, now, options.retentionDays);
    lastDay = day; // only after success: a failed run (a busy database) is tried again next tick
  });
}
