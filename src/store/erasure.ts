/**
 * Erasure (`/coaching forget-me`) as the store carries it out. `begin` runs in the request's
 * transaction and erases what the person sees go at once (their coaching requests and whatever was
 * queued about them); `step` finishes the rest in slices of a few hundred rows, each slice its own
 * short transaction: the person's name taken out of others' text in their own schools, the rows
 * that point at them, and last their name, handle and platform id on the user row, which stays as a
 * nameless placeholder so the ids other rows keep stay valid. The `erasures` table says how far each
 * has come (ids only), and the ledger file beside the database keeps them across a restore.
 */
import type { Db } from './db';
import { FORGOTTEN_DISPLAY_NAME, FORGOTTEN_EXTERNAL_ID_PREFIX, isForgotten } from '../core/model';
import type { ErasureCompleted, ErasureRepository, ErasureScope, ErasureSlice, ErasureStarted } from '../core/ports';
import type { ErasureLedger } from './erasure-ledger';
import { mayMention, nameForms, scrubJson, scrubText, type NameForms } from './erasure-text';
import { deleteCardsNaming } from './erasure-cards';

type Row = Record<string, unknown>;

/** Rows one unit of work reads or changes: small enough that a unit takes a few milliseconds. */
const BATCH = 300;
/** What a name becomes in others' text. */
const REPLACEMENT = 'a teacher';

interface ErasureRow {
  id: number;
  tenant_id: number;
  user_id: number;
  scope: ErasureScope;
  requested_at: string;
  phase: number;
  cursor: number;
  schools: string;
  redacted_for: string;
}

/** What one unit of work needs to know about the erasure it advances. */
interface Work {
  db: Db;
  erasure: ErasureRow;
  names: NameForms;
  schools: Set<number>;
  /** Author id → texts of theirs that lost the name. */
  redacted: Map<number, number>;
  /** Members of the person's schools, read once per slice. */
  readers?: Set<number>;
  /** The schema's references to users, read once per slice. */
  references?: { table: string; column: string; onDelete: 'CASCADE' | 'SET NULL' }[];
}

/** A unit: advances the phase from `cursor`; returns the next cursor, or null when the phase is done. */
type Unit = (w: Work, cursor: number) => number | null;

/** A free-text column scrubbed in the person's own schools; `author` names who wrote it, when known. */
interface TextColumn {
  select: string;
  /** The alias of the scrubbed table in `select`. */
  alias: string;
  /** The column of `select` that holds the text's school. */
  school: string;
  table: string;
  column: string;
  author?: string;
  forms: (n: NameForms) => string[];
}

const TEXT_COLUMNS: TextColumn[] = [
  {
    // Escalations are about a teacher: every way of naming them goes, their first name too.
    select: `SELECT e.rowid AS rid, e.concern AS v, e.coach_id AS author, e.school_id AS school FROM escalations e`,
    alias: 'e',
    school: 'e.school_id',
    table: 'escalations',
    column: 'concern',
    author: 'coach_id',
    forms: (n) => n.everyName,
  },
  {
    select: `SELECT e.rowid AS rid, e.plan_text AS v, e.coach_id AS author, e.school_id AS school FROM escalations e`,
    alias: 'e',
    school: 'e.school_id',
    table: 'escalations',
    column: 'plan_text',
    forms: (n) => n.everyName,
  },
  ...(
    [
      ['agenda_items', 'author_id'],
      ['action_items', 'created_by'],
      ['priorities', 'set_by'],
      ['meeting_notes', 'author_id'],
      ['priority_proposals', 'proposed_by'],
    ] as const
  ).map(([table, author]): TextColumn => ({
    select: `SELECT t.rowid AS rid, t.text AS v, t.${author} AS author, p.school_id AS school FROM "${table}" t JOIN partnerships p ON p.id = t.partnership_id`,
    alias: 't',
    school: 'p.school_id',
    table,
    column: 'text',
    author,
    forms: (n) => n.written,
  })),
  {
    select: `SELECT o.rowid AS rid, o.reason AS v, NULL AS author, p.school_id AS school FROM occurrences o JOIN series s ON s.id = o.series_id
               JOIN partnerships p ON p.id = s.partnership_id`,
    alias: 'o',
    school: 'p.school_id',
    table: 'occurrences',
    column: 'reason',
    forms: (n) => n.written,
  },
  {
    select: `SELECT c.rowid AS rid, c.label AS v, c.created_by AS author, c.school_id AS school FROM closures c`,
    alias: 'c',
    school: 'c.school_id',
    table: 'closures',
    column: 'label',
    author: 'created_by',
    forms: (n) => n.written,
  },
];

/** One pass over a free-text column, BATCH rows at a time by rowid. */
function textUnit(c: TextColumn): Unit {
  return (w, cursor) => {
    // No school of theirs, no text of theirs to look through.
    if (w.schools.size === 0) return null;
    const schools = [...w.schools];
    const rows = w.db
      .prepare(`${c.select} WHERE ${c.alias}.rowid > ? AND ${c.school} IN (${schools.map(() => '?').join(',')}) ORDER BY ${c.alias}.rowid LIMIT ${BATCH}`)
      .all(cursor, ...schools) as Row[];
    const forms = c.forms(w.names);
    const update = w.db.prepare(`UPDATE "${c.table}" SET "${c.column}" = ? WHERE rowid = ?`);
    for (const r of rows) {
      if (typeof r.v !== 'string' || !mayMention(r.v, forms)) continue;
      const after = scrubText(r.v, forms, REPLACEMENT);
      if (after === r.v) continue;
      update.run(after, r.rid);
      const author = r.author as number | null;
      if (c.author && author !== null && author !== w.erasure.user_id) w.redacted.set(author, (w.redacted.get(author) ?? 0) + 1);
    }
    return rows.length < BATCH ? null : (rows[rows.length - 1].rid as number);
  };
}

/** Members of the person's schools: whose queued messages may name them (besides their own). */
function readersInSchools(w: Work): Set<number> {
  if (w.readers) return w.readers;
  const ids = [...w.schools];
  if (ids.length === 0) return new Set([w.erasure.user_id]);
  const rows = w.db.prepare(`SELECT DISTINCT user_id FROM memberships WHERE school_id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Row[];
  w.readers = new Set([w.erasure.user_id, ...rows.map((r) => r.user_id as number)]);
  return w.readers;
}

/** Rowids one unit walks through where no index narrows the search (the scan stays inside SQLite). */
const SPAN = 5000;

/** The next span of a table without an index to search by, or null past its last row. */
function nextSpan(w: Work, table: string, cursor: number): number | null {
  const last = (w.db.prepare(`SELECT MAX(rowid) AS m FROM "${table}"`).get() as Row).m as number | null;
  return last === null || cursor >= last ? null : cursor + SPAN;
}

/** Messages held in the outbox (sent or not) that name the person, for readers in their schools. */
const outboxUnit: Unit = (w, cursor) => {
  // Messages addressed to the person themselves go with the references to them, later.
  if (w.schools.size === 0 || w.names.everyName.length === 0) return null;
  // In id order (the primary key: no sort), a batch at a time; who it is for and whether it could
  // name them are checked here, which is cheaper than asking SQLite to lower-case every payload.
  const rows = w.db
    .prepare(`SELECT id, kind, recipient_id, payload FROM outbox WHERE id > ? AND tenant_id = ? ORDER BY id LIMIT ${BATCH}`)
    .all(cursor, w.erasure.tenant_id) as Row[];
  const readers = readersInSchools(w);
  const update = w.db.prepare('UPDATE outbox SET payload = ? WHERE id = ?');
  for (const r of rows) {
    const forms = String(r.kind).startsWith('escalation') ? w.names.everyName : w.names.written;
    const payload = r.payload as string;
    if (!readers.has(r.recipient_id as number) || !mayMention(payload, forms)) continue;
    const after = JSON.stringify(scrubJson(JSON.parse(payload), forms, REPLACEMENT));
    if (after !== JSON.stringify(JSON.parse(payload))) update.run(after, r.id);
  }
  return rows.length < BATCH ? null : (rows[rows.length - 1].id as number);
};

/** Slack's delivery-log keys carry the platform user id (`action:…:U0123:…`): those rows go. */
const deliveryKeysUnit: Unit = (w, cursor) => {
  const externalId = (w.db.prepare('SELECT external_id FROM users WHERE id = ?').get(w.erasure.user_id) as Row | undefined)?.external_id as string | undefined;
  if (!externalId || isForgotten({ externalId })) return null;
  w.db.prepare(`DELETE FROM slack_deliveries WHERE rowid > ? AND rowid <= ? AND instr(delivery_key, ?) > 0`).run(cursor, cursor + SPAN, `:${externalId}:`);
  return nextSpan(w, 'slack_deliveries', cursor);
};

/** Audit rows keep what happened, not who it was about. */
const auditUnit: Unit = (w, cursor) => {
  w.db
    .prepare(`UPDATE audit_log SET subject_id = NULL WHERE rowid > ? AND rowid <= ? AND tenant_id = ? AND subject_type = 'user' AND subject_id = ?`)
    .run(cursor, cursor + SPAN, w.erasure.tenant_id, w.erasure.user_id);
  return nextSpan(w, 'audit_log', cursor);
};

/** Every column that points at a user, found from the schema so tables added later are covered too. */
function userReferences(db: Db): { table: string; column: string; onDelete: 'CASCADE' | 'SET NULL' }[] {
  const tables = (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'users' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Row[]
  ).map((r) => r.name as string);
  return tables.flatMap((table) =>
    (db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as Row[])
      .filter((fk) => fk.table === 'users' && (fk.to === null || fk.to === 'id'))
      .map((fk) => ({ table, column: fk.from as string, onDelete: String(fk.on_delete).toUpperCase() }))
      .filter((r): r is { table: string; column: string; onDelete: 'CASCADE' | 'SET NULL' } => r.onDelete === 'CASCADE' || r.onDelete === 'SET NULL'),
  );
}

/**
 * The rows that point at the person, as if the user row were deleted: ON DELETE CASCADE rows go,
 * SET NULL columns are cleared; the cursor is the index of the reference being worked through.
 * Rows that cannot lose their user (a past partnership of someone who was once a coach) keep
 * pointing at the user row, which stays only as the nameless placeholder.
 */
const referencesUnit: Unit = (w, cursor) => {
  const refs = (w.references ??= userReferences(w.db));
  const ref = refs[cursor];
  if (!ref) return null;
  const some = `SELECT rowid FROM "${ref.table}" WHERE "${ref.column}" = ? LIMIT ${BATCH}`;
  const changed =
    ref.onDelete === 'CASCADE'
      ? w.db.prepare(`DELETE FROM "${ref.table}" WHERE rowid IN (${some})`).run(w.erasure.user_id).changes
      : w.db.prepare(`UPDATE "${ref.table}" SET "${ref.column}" = NULL WHERE rowid IN (${some})`).run(w.erasure.user_id).changes;
  return changed < BATCH ? cursor + 1 : cursor;
};

/** Last: the name, handle and platform id go (a new platform id: if they come back, they start afresh). */
const userRowUnit: Unit = (w) => {
  w.db
    .prepare(`UPDATE users SET display_name = ?, handle = NULL, external_id = ? WHERE tenant_id = ? AND id = ?`)
    .run(FORGOTTEN_DISPLAY_NAME, `${FORGOTTEN_EXTERNAL_ID_PREFIX}${w.erasure.user_id}`, w.erasure.tenant_id, w.erasure.user_id);
  return null;
};

/** The phases of an `everything` erasure, in order. Escalations that were about the person are unlinked in `begin`. */
// Teams cards naming them come before the references (a table added later: an erasure under way at the upgrade finds it empty).
const teamsCardsUnit: Unit = (w, cursor) => deleteCardsNaming(w.db, w.erasure.tenant_id, w.names.everyName, cursor);
const PHASES: Unit[] = [...TEXT_COLUMNS.map(textUnit), outboxUnit, deliveryKeysUnit, auditUnit, teamsCardsUnit, referencesUnit, userRowUnit];

export class ErasureStore implements ErasureRepository {
  constructor(
    private readonly db: Db,
    private readonly ledger: ErasureLedger,
  ) {}

  begin(tenantId: number, userId: number, scope: ErasureScope, now: Date): ErasureStarted {
    const user = this.db.prepare('SELECT id FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, userId);
    if (!user) throw new Error('user not in tenant');
    const underWay = this.db
      .prepare('SELECT 1 FROM erasures WHERE tenant_id = ? AND user_id = ? AND scope = ? AND completed_at IS NULL')
      .get(tenantId, userId, scope);
    if (underWay) return { requests: 0 };
    return this.start(tenantId, userId, scope, now, now, false);
  }

  /** Erases the requests (made before `until`) and records the erasure; `inLedger` when it came from the ledger. */
  private start(tenantId: number, userId: number, scope: ErasureScope, requestedAt: Date, until: Date, inLedger: boolean): ErasureStarted {
    const db = this.db;
    // Their schools, kept before the memberships go: where their name is taken out of others' text.
    const schools = (
      db
        .prepare(
          `SELECT m.school_id AS id FROM memberships m JOIN schools sc ON sc.id = m.school_id AND sc.tenant_id = @tenantId WHERE m.user_id = @userId
           UNION SELECT x.school_id FROM coaching_requests x JOIN schools sc ON sc.id = x.school_id AND sc.tenant_id = @tenantId WHERE x.teacher_id = @userId`,
        )
        .all({ tenantId, userId }) as Row[]
    ).map((r) => r.id as number);
    const requests = (
      db
        .prepare(
          `SELECT x.id FROM coaching_requests x JOIN schools sc ON sc.id = x.school_id AND sc.tenant_id = ? WHERE x.teacher_id = ? AND x.created_at <= ?`,
        )
        .all(tenantId, userId, until.toISOString()) as Row[]
    ).map((r) => r.id as number);
    // Whatever was queued about each request, whoever it was for (keys `coaching:r<id>:…`).
    const queued = db.prepare(`DELETE FROM outbox WHERE tenant_id = ? AND dedupe_key >= ? AND dedupe_key < ?`);
    const remove = db.prepare('DELETE FROM coaching_requests WHERE id = ?');
    for (const id of requests) {
      queued.run(tenantId, `coaching:r${id}:`, `coaching:r${id};`);
      remove.run(id);
    }
    if (scope === 'teacher_data') {
      // What they hold as a teacher; their staff roles (and the records that need their name) stay.
      db.prepare(`DELETE FROM memberships WHERE user_id = ? AND role = 'teacher'`).run(userId);
    } else {
      db.prepare(`UPDATE escalations SET concerns_user_id = NULL, concerns_label = 'a teacher' WHERE concerns_user_id = ?`).run(userId);
    }
    db.prepare(`INSERT OR IGNORE INTO erasures (tenant_id, user_id, scope, requested_at, schools, in_ledger, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
      tenantId,
      userId,
      scope,
      requestedAt.toISOString(),
      JSON.stringify(schools),
      inLedger ? 1 : 0,
      scope === 'teacher_data' ? until.toISOString() : null,
    );
    return { requests: requests.length };
  }

  pending(): boolean {
    return this.db.prepare('SELECT 1 FROM erasures WHERE completed_at IS NULL OR in_ledger = 0 LIMIT 1').get() !== undefined;
  }

  step(budgetMs: number, now: Date): ErasureSlice {
    // IMMEDIATE: the write lock is taken (waiting its turn) before anything is read. A deferred
    // transaction that reads first fails outright (SQLITE_BUSY_SNAPSHOT) when another connection
    // wrote in between, which stopped a background erasure half-way under load.
    return this.db
      .transaction((): ErasureSlice => {
        const started = performance.now();
        this.recordInLedger();
        const completed: ErasureCompleted[] = [];
        const next = this.db.prepare('SELECT * FROM erasures WHERE completed_at IS NULL ORDER BY id LIMIT 1');
        let erasure: ErasureRow | undefined;
        while ((erasure = next.get() as ErasureRow | undefined) && performance.now() - started < budgetMs) {
          const done = this.advance(erasure, started, budgetMs, now);
          if (done) completed.push(done);
        }
        return { completed, more: this.pending() };
      })
      .immediate();
  }

  /** Works through one erasure's phases until the budget is spent; returns it when it finished. */
  private advance(erasure: ErasureRow, started: number, budgetMs: number, now: Date): ErasureCompleted | undefined {
    const user = this.db.prepare('SELECT display_name, handle, external_id FROM users WHERE id = ?').get(erasure.user_id) as Row | undefined;
    // A row already nameless has no name left to look for (its placeholder is not a name).
    const named = user !== undefined && !isForgotten({ externalId: String(user.external_id) });
    const work: Work = {
      db: this.db,
      erasure,
      names: named ? nameForms(user.display_name as string, (user.handle as string | null) ?? null) : { written: [], everyName: [] },
      schools: new Set(JSON.parse(erasure.schools) as number[]),
      redacted: new Map(Object.entries(JSON.parse(erasure.redacted_for) as Record<string, number>).map(([k, v]) => [Number(k), v])),
    };
    let { phase, cursor } = erasure;
    while (phase < PHASES.length && performance.now() - started < budgetMs) {
      const nextCursor = PHASES[phase](work, cursor);
      if (nextCursor === null) {
        phase += 1;
        cursor = 0;
      } else cursor = nextCursor;
    }
    const finished = phase >= PHASES.length;
    this.db
      .prepare('UPDATE erasures SET phase = ?, cursor = ?, redacted_for = ?, completed_at = ? WHERE id = ?')
      .run(phase, cursor, JSON.stringify(Object.fromEntries(work.redacted)), finished ? now.toISOString() : null, erasure.id);
    if (!finished) return undefined;
    return {
      tenantId: erasure.tenant_id,
      userId: erasure.user_id,
      scope: erasure.scope,
      redactedFor: [...work.redacted].map(([authorId, texts]) => ({ authorId, texts })),
    };
  }

  syncLedger(): void {
    this.db.transaction(() => this.recordInLedger()).immediate();
  }

  /** Erasures not yet in the ledger file are written there (after the transaction that began them committed). */
  private recordInLedger(): void {
    const rows = this.db.prepare('SELECT id, tenant_id, user_id, scope, requested_at FROM erasures WHERE in_ledger = 0 ORDER BY id').all() as ErasureRow[];
    if (rows.length === 0) return;
    this.ledger.append(rows.map((r) => ({ tenantId: r.tenant_id, userId: r.user_id, scope: r.scope, requestedAt: new Date(r.requested_at) })));
    const mark = this.db.prepare('UPDATE erasures SET in_ledger = 1 WHERE id = ?');
    for (const r of rows) mark.run(r.id);
  }

  reconcileLedger(now: Date): number {
    let begun = 0;
    this.db.transaction(() => {
      const known = this.db.prepare('SELECT 1 FROM erasures WHERE tenant_id = ? AND user_id = ? AND scope = ? AND requested_at = ?');
      for (const entry of this.ledger.read()) {
        const at = entry.requestedAt.toISOString();
        if (known.get(entry.tenantId, entry.userId, entry.scope, at)) continue;
        // This database does not know the erasure: it is a backup from before it. Apply it again.
        begun += 1;
        const user = this.db.prepare('SELECT external_id FROM users WHERE id = ?').get(entry.userId) as Row | undefined;
        if (!user) {
          this.holdId(entry.tenantId, entry.userId, now);
          this.db
            .prepare(`INSERT OR IGNORE INTO erasures (tenant_id, user_id, scope, requested_at, in_ledger, phase, completed_at) VALUES (?, ?, ?, ?, 1, ?, ?)`)
            .run(entry.tenantId, entry.userId, entry.scope, at, PHASES.length, now.toISOString());
        } else {
          this.start(entry.tenantId, entry.userId, entry.scope, entry.requestedAt, entry.requestedAt, true);
        }
      }
    })();
    return begun;
  }

  /**
   * A person erased after the backup was taken is not in it; their id is taken by a nameless
   * placeholder so that it is never given to someone new (whom the ledger would then erase).
   */
  private holdId(tenantId: number, userId: number, now: Date): void {
    if (!this.db.prepare('SELECT 1 FROM tenants WHERE id = ?').get(tenantId)) return;
    this.db
      .prepare('INSERT OR IGNORE INTO users (id, tenant_id, external_id, display_name, handle, created_at) VALUES (?, ?, ?, ?, NULL, ?)')
      .run(userId, tenantId, `${FORGOTTEN_EXTERNAL_ID_PREFIX}${userId}`, FORGOTTEN_DISPLAY_NAME, now.toISOString());
  }
}
