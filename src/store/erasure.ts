/**
 * Erasure (`/coaching forget-me`): what the store does to forget a person. The coaching
 * repository's `forgetUser` calls it; it reads and writes every table, so it lives on its own.
 */
import type { Db } from './db';
import type { ForgetReport } from '../core/ports/coaching';
import { FORGOTTEN_EXTERNAL_ID_PREFIX } from '../core/model';

type Row = Record<string, unknown>;

/** Request columns joined to their school, scoped to one tenant. */
const IN_TENANT = `FROM coaching_requests x JOIN schools sc ON sc.id = x.school_id AND sc.tenant_id = @tenantId`;

/** Replaces whole-word, case-insensitive occurrences of any token (longest first) with the replacement. */
export function scrubText(text: string, tokens: readonly string[], replacement: string): string {
  const usable = [...new Set(tokens.map((t) => t.trim()).filter((t) => t.length >= 2))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return text;
  const alternatives = usable.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, 'giu');
  return text.replace(re, replacement);
}

function scrubJson(value: unknown, tokens: readonly string[], replacement: string): unknown {
  if (typeof value === 'string') return scrubText(value, tokens, replacement);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, tokens, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, tokens, replacement)]));
  }
  return value;
}

/**
 * Erases a teacher: their requests (with the conversation and answers), the outbox rows about
 * those requests whoever they were for, every row that points at them (as if the user row were
 * deleted: ON DELETE CASCADE rows go, SET NULL columns are cleared), mentions of them in
 * escalations and in messages still held in the outbox, and finally their name, handle and
 * platform id on the user row, which stays as a placeholder so the ids other rows keep stay valid.
 * The caller has checked the person holds no current role whose records need their name (coach,
 * principal); records of a role held in the past keep the placeholder.
 */
export function forgetUser(db: Db, tenantId: number, userId: number, placeholderName: string): ForgetReport {
  const user = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, userId) as Row | undefined;
  if (!user) throw new Error('user not in tenant');
  const displayName = user.display_name as string;
  const handle = (user.handle as string | null) ?? null;
  const firstName = displayName.split(/\s+/)[0] ?? '';
  // Escalations (and the DMs that carry them) are about the teacher: every way they are named
  // goes. Other text written by principals and coaches loses the full name and @handle only (a
  // bare first name there is too often someone else's, or an ordinary word, to replace blindly).
  const everyName = [displayName, firstName, ...(handle ? [`@${handle}`] : [])];
  const fullNames = [displayName, ...(handle ? [`@${handle}`] : [])];

  const requestIds = (db.prepare(`SELECT x.id ${IN_TENANT} WHERE x.teacher_id = @userId`).all({ tenantId, userId }) as Row[]).map((r) => r.id as number);
  const deleteByPrefix = db.prepare(`DELETE FROM outbox WHERE tenant_id = ? AND dedupe_key LIKE ? ESCAPE '\\'`);
  for (const id of requestIds) deleteByPrefix.run(tenantId, `coaching:r${id}:%`);

  // Free text is scrubbed only within the person's own schools: elsewhere their first name is
  // someone else's, or an ordinary word ("we will meet").
  const ownSchools = new Set(
    (
      db
        .prepare(`SELECT school_id AS id FROM memberships WHERE user_id = @userId UNION SELECT x.school_id AS id ${IN_TENANT} WHERE x.teacher_id = @userId`)
        .all({ tenantId, userId }) as Row[]
    ).map((r) => r.id as number),
  );
  const inOwnSchool = (schoolId: unknown): boolean => ownSchools.has(schoolId as number);

  // Escalations that named them keep only "a teacher".
  const escalations = (
    db
      .prepare(
        `SELECT e.id, e.school_id, e.concern, e.plan_text, e.concerns_user_id FROM escalations e JOIN schools sc ON sc.id = e.school_id WHERE sc.tenant_id = ?`,
      )
      .all(tenantId) as Row[]
  ).filter((e) => inOwnSchool(e.school_id) || e.concerns_user_id === userId);
  let escalationsChanged = 0;
  db.prepare(
    `UPDATE escalations SET concerns_user_id = NULL, concerns_label = 'a teacher'
              WHERE concerns_user_id = ? AND school_id IN (SELECT id FROM schools WHERE tenant_id = ?)`,
  ).run(userId, tenantId);
  const updateEscalation = db.prepare('UPDATE escalations SET concern = ?, plan_text = ? WHERE id = ?');
  for (const e of escalations) {
    const concern = scrubText(e.concern as string, everyName, 'a teacher');
    const plan = e.plan_text === null ? null : scrubText(e.plan_text as string, everyName, 'a teacher');
    if (concern !== e.concern || plan !== e.plan_text || e.concerns_user_id === userId) {
      updateEscalation.run(concern, plan, e.id);
      escalationsChanged += 1;
    }
  }

  // Messages still held in the outbox (sent or not) that name them.
  const updatePayload = db.prepare('UPDATE outbox SET payload = ? WHERE id = ?');
  const recipientsInOwnSchools = new Set(
    ownSchools.size === 0
      ? []
      : (
          db.prepare(`SELECT DISTINCT user_id FROM memberships WHERE school_id IN (${[...ownSchools].map(() => '?').join(',')})`).all(...ownSchools) as Row[]
        ).map((r) => r.user_id as number),
  );
  for (const r of db.prepare('SELECT id, kind, recipient_id, payload FROM outbox WHERE tenant_id = ?').all(tenantId) as Row[]) {
    if (!recipientsInOwnSchools.has(r.recipient_id as number) && r.recipient_id !== userId) continue;
    const before = r.payload as string;
    const names = String(r.kind).startsWith('escalation') ? everyName : fullNames;
    const after = JSON.stringify(scrubJson(JSON.parse(before), names, 'a teacher'));
    if (after !== JSON.stringify(JSON.parse(before))) updatePayload.run(after, r.id);
  }

  // Agenda text written by the partnership.
  const freeText: [table: string, column: string][] = [
    ['agenda_items', 'text'],
    ['action_items', 'text'],
    ['priorities', 'text'],
  ];
  for (const [table, column] of freeText) {
    const rows = (
      db
        .prepare(
          `SELECT t.rowid AS rid, t."${column}" AS v, p.school_id AS school FROM "${table}" t JOIN partnerships p ON p.id = t.partnership_id
                JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ?`,
        )
        .all(tenantId) as Row[]
    ).filter((r) => inOwnSchool(r.school));
    const update = db.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE rowid = ?`);
    for (const r of rows) {
      const after = scrubText(r.v as string, fullNames, 'a teacher');
      if (after !== r.v) update.run(after, r.rid);
    }
  }

  // Skip reasons and closure labels ("Taylor Morgan disciplinary hearing") in their own schools.
  const labelled: [sql: string, table: string, column: string][] = [
    [
      `SELECT o.rowid AS rid, o.reason AS v, p.school_id AS school FROM occurrences o JOIN series s ON s.id = o.series_id
         JOIN partnerships p ON p.id = s.partnership_id JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ? AND o.reason IS NOT NULL`,
      'occurrences',
      'reason',
    ],
    [
      `SELECT c.rowid AS rid, c.label AS v, c.school_id AS school FROM closures c JOIN schools sc ON sc.id = c.school_id WHERE sc.tenant_id = ?`,
      'closures',
      'label',
    ],
  ];
  for (const [sql, table, column] of labelled) {
    const update = db.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE rowid = ?`);
    for (const r of (db.prepare(sql).all(tenantId) as Row[]).filter((x) => inOwnSchool(x.school))) {
      const after = scrubText(r.v as string, fullNames, 'a teacher');
      if (after !== r.v) update.run(after, r.rid);
    }
  }

  // Slack's delivery log keys carry the platform user id (`action:…:U0123:…`): those rows go.
  db.prepare(`DELETE FROM slack_deliveries WHERE instr(delivery_key, ?) > 0`).run(`:${user.external_id as string}:`);

  // Audit rows keep what happened, not who it was about.
  db.prepare(`UPDATE audit_log SET subject_id = NULL WHERE tenant_id = ? AND subject_type = 'user' AND subject_id = ?`).run(tenantId, userId);

  // Every row pointing at the user, found from the schema so tables added later are covered too.
  // The user id was checked to be in this tenant, so these rows are this tenant's.
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'users' AND name NOT LIKE 'sqlite_%'`).all() as Row[]).map(
    (r) => r.name as string,
  );
  for (const table of tables) {
    const fks = db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as Row[];
    for (const fk of fks) {
      if (fk.table !== 'users' || (fk.to !== null && fk.to !== 'id')) continue;
      const column = fk.from as string;
      const action = String(fk.on_delete).toUpperCase();
      if (action === 'CASCADE') {
        db.prepare(`DELETE FROM "${table}" WHERE "${column}" = ?`).run(userId);
      } else if (action === 'SET NULL') {
        db.prepare(`UPDATE "${table}" SET "${column}" = NULL WHERE "${column}" = ?`).run(userId);
      }
      // Rows that cannot lose their user (a past partnership of someone who was once a coach or
      // principal) keep pointing at the user row, which stays only as the nameless placeholder.
    }
  }

  db
    // A new platform id too: if they come back, they start afresh as a new person.
    .prepare(`UPDATE users SET display_name = ?, handle = NULL, external_id = ? WHERE tenant_id = ? AND id = ?`)
    .run(placeholderName, `${FORGOTTEN_EXTERNAL_ID_PREFIX}${userId}`, tenantId, userId);
  return { requests: requestIds.length, escalations: escalationsChanged };
}
