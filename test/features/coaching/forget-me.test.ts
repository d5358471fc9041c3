/**
 * `/coaching forget-me`: after it, no table holds the teacher's name, handle, words or a row that
 * points at them — only the anonymised placeholders — and escalations that named them say "a teacher".
 */
import { existsSync, readFileSync } from 'node:fs';
import { bookAccepted, seedSchool, tempDbPath, text } from '../../support/harness';
import { buttonsOf } from '../../../src/messages/model';
import { ask, createCoachingHarness, dmsTo, formIn, type CoachingHarness } from './support';

let h: CoachingHarness;
afterEach(() => h.close());

type Row = Record<string, unknown>;

/** Every TEXT-ish column of every table: (table, column) pairs, read from the schema itself. */
function textColumns(h: CoachingHarness): [string, string][] {
  const tables = (h.core.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Row[]).map(
    (r) => r.name as string,
  );
  return tables.flatMap((t) =>
    (h.core.db.prepare(`PRAGMA table_info("${t}")`).all() as Row[])
      .filter((c) => /TEXT|CHAR|CLOB|^$/i.test(String(c.type)))
      .map((c): [string, string] => [t, c.name as string]),
  );
}

/** Every (table, column, value) whose text contains one of the needles, case-insensitively. */
function findText(h: CoachingHarness, needles: string[]): string[] {
  const hits: string[] = [];
  for (const [table, column] of textColumns(h)) {
    for (const needle of needles) {
      const rows = h.core.db
        .prepare(`SELECT "${column}" AS v FROM "${table}" WHERE instr(lower(CAST("${column}" AS TEXT)), lower(?)) > 0`)
        .all(needle) as Row[];
      for (const r of rows) hits.push(`${table}.${column}: ${String(r.v).slice(0, 120)}`);
    }
  }
  return hits;
}

/** Rows of any table whose foreign key to users points at the user. */
function rowsPointingAt(h: CoachingHarness, userId: number): string[] {
  const hits: string[] = [];
  const tables = (h.core.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as Row[]).map(
    (r) => r.name as string,
  );
  for (const t of tables) {
    for (const fk of h.core.db.prepare(`PRAGMA foreign_key_list("${t}")`).all() as Row[]) {
      if (fk.table !== 'users') continue;
      const n = (h.core.db.prepare(`SELECT COUNT(*) AS n FROM "${t}" WHERE "${String(fk.from)}" = ?`).get(userId) as Row).n as number;
      if (n > 0) hits.push(`${t}.${String(fk.from)}: ${n}`);
    }
  }
  return hits;
}

/** Pat (principal), Casey (coach) and Taylor (teacher) at one school, for the tests that need no more. */
function threePeople(opts: { databasePath?: string; teacherName?: string } = {}): CoachingHarness {
  const harness = createCoachingHarness({ databasePath: opts.databasePath });
  seedSchool(harness, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', opts.teacherName ?? 'Taylor Morgan', 'teacher'],
    ],
  });
  return harness;
}

describe('forget-me', () => {
  beforeEach(() => {
    h = createCoachingHarness();
    seedSchool(h, {
      name: 'Demo Elementary',
      members: [
        ['pat', 'Pat Rivera', 'principal'],
        ['casey', 'Casey Lee', 'coach'],
        ['taylor', 'Taylor Morgan', 'teacher'],
        ['jordan', 'Jordan Kim', 'teacher'],
      ],
    });
  });

  it('erases requests, answers, memberships, messages and the name; escalations keep only "a teacher"', async () => {
    const { db } = h.core;
    const tenantId = h.user('pat').tenantId;
    const taylor = h.user('taylor');
    bookAccepted(h);
    h.run('pat', 'add support Check in with Taylor Morgan about the new unit');

    // Taylor's coaching: a shared request in conversation, an unshared one done with feedback.
    const shared = ask(h, 'taylor', 'engagement', 'ZEBRA-QUIET-GROUPS in period 3', { share: true });
    const done = ask(h, 'taylor', 'technology', 'OKAPI-SMARTBOARD freezing');
    await h.deliver();
    h.submit('casey', formIn(h.action('casey', 'coaching.ask', String(shared))).formId, { question: 'Which groups?' });
    const q = dmsTo(await h.deliver(), 'taylor')[0].message;
    h.submit('taylor', formIn(h.press('taylor', q, 'Reply')).formId, { text: 'NARWHAL-REPLY the blue table' });
    h.submit('casey', `coaching.accept:${done}`, { when: 'Friday' });
    h.action('casey', 'coaching.done', String(done));
    h.action('taylor', 'coaching.helpful', `${done}:yes`);
    await h.deliver();
    // Jordan's request is not touched.
    const jordans = ask(h, 'jordan', 'assessment', 'Jordan keeps this');
    await h.deliver();

    // An escalation that names Taylor (the escalation feature's table), with its DM still in the outbox.
    db.prepare(
      `INSERT INTO escalations (school_id, coach_id, concern, category, concerns_user_id, stage, created_at, updated_at)
                VALUES (1, ?, ?, 'conduct', ?, 'raised', ?, ?)`,
    ).run(
      h.user('casey').id,
      'Taylor Morgan (@taylor) left the class alone; Taylor says it was two minutes. TAYLOR agreed to talk.',
      taylor.id,
      h.clock.now().toISOString(),
      h.clock.now().toISOString(),
    );
    db.prepare(
      `INSERT INTO escalations (school_id, coach_id, concern, category, stage, created_at, updated_at)
                VALUES (1, ?, 'Photocopier budget', 'resources', 'raised', ?, ?)`,
    ).run(h.user('casey').id, h.clock.now().toISOString(), h.clock.now().toISOString());
    h.core.services.outbox.enqueue(
      {
        tenantId,
        recipientId: h.user('pat').id,
        kind: 'escalation.urgent',
        dedupeKey: 'esc-test',
        message: { text: 'Urgent: about Taylor Morgan', blocks: [{ type: 'text', text: '**Taylor Morgan** — see @taylor' }] },
        dueAt: h.clock.now(),
      },
      h.clock.now(),
    );
    // A Teams conversation reference (another feature's table) holding their name.
    db.prepare(
      `INSERT INTO teams_conversations (tenant_id, user_id, scope, conversation_id, channel_user_id, service_url, reference, updated_at)
                VALUES (?, ?, 'personal', 'a:1', '29:1', 'https://smba.example', '{"user":{"name":"Taylor Morgan"}}', ?)`,
    ).run(tenantId, taylor.id, h.clock.now().toISOString());

    const before = findText(h, ['Taylor', 'Morgan', 'ZEBRA-QUIET', 'OKAPI-SMARTBOARD', 'NARWHAL-REPLY']);
    expect(before.length).toBeGreaterThan(10);

    const confirm = h.coaching('taylor', 'forget-me').messages[0];
    expect(confirm.text).toMatch(/^Erase everything Touchpoint holds about you\? This cannot be undone: your 2 coaching requests/);
    expect(buttonsOf(confirm).map((b) => b.label)).toEqual(['Erase everything', 'Keep my data']);
    expect(text(h.press('taylor', confirm, 'Keep my data'))).toBe('Kept. Nothing was erased.');
    // Someone else's button (a forged value) erases nothing.
    expect(text(h.action('jordan', 'coaching.forget.confirm', String(taylor.id)))).toBe('That button is not yours.');
    expect(text(h.press('taylor', confirm, 'Erase everything'))).toMatch(/^Done\. Touchpoint erased 2 coaching requests, your memberships and your name\./);

    expect(findText(h, ['Taylor', 'Morgan', 'ZEBRA-QUIET', 'OKAPI-SMARTBOARD', 'NARWHAL-REPLY'])).toEqual([]);
    expect(rowsPointingAt(h, taylor.id)).toEqual([]);
    const placeholder = db.prepare('SELECT display_name, handle, external_id FROM users WHERE id = ?').get(taylor.id);
    expect(placeholder).toEqual({ display_name: 'Former teacher', handle: null, external_id: `forgotten:${taylor.id}` });
    expect(db.prepare('SELECT concern, concerns_user_id, concerns_label FROM escalations ORDER BY id').all()).toEqual([
      {
        concern: 'a teacher (a teacher) left the class alone; a teacher says it was two minutes. a teacher agreed to talk.',
        concerns_user_id: null,
        concerns_label: 'a teacher',
      },
      { concern: 'Photocopier budget', concerns_user_id: null, concerns_label: null },
    ]);
    expect(h.core.services.agenda.openItems(tenantId, 1).map((i) => i.text)).toEqual(['Check in with a teacher about the new unit']);
    expect(h.core.services.outbox.byDedupeKey('esc-test')!.message).toEqual({
      text: 'Urgent: about a teacher',
      blocks: [{ type: 'text', text: '**a teacher** — see a teacher' }],
    });

    // The coach working on the open request is told it was withdrawn, nothing more; the author of
    // text that named Taylor in words (Casey's escalation) is told it was redacted, not whose name it
    // was. Pat's agenda item kept a reference to Taylor, not a copy of the name: nothing to redact there.
    const sent = await h.deliver();
    const redacted =
      'A person asked Touchpoint to forget them, and one thing you wrote named them (agenda items, escalations, skip reasons or closures). Their name now reads "a teacher" there; nothing else in your text changed.';
    expect(dmsTo(sent, 'casey').map((d) => d.message.text)).toEqual([`Coaching request #${shared} was withdrawn. Nothing more is needed from you.`, redacted]);
    expect(
      dmsTo(sent, 'pat')
        .filter((d) => d.message.text.startsWith('A person asked Touchpoint'))
        .map((d) => d.message.text),
    ).toEqual([]);
    expect(text(h.coaching('casey', 'queue'))).toContain(`#${jordans} Assessment and data — Jordan Kim`);
    expect(text(h.coaching('casey', 'queue'))).not.toContain(`#${shared} `);
    // Coming back, they are a new person with nothing.
    expect(text(h.coaching('taylor', 'status'))).toBe('You have no coaching requests. Ask a coach for help with /coaching request.');
    expect(h.user('taylor').id).not.toBe(taylor.id);
    expect(h.core.services.people.membershipsOf(tenantId, h.user('taylor').id)).toEqual([]);
  });

  it('works for a teacher who was once a coach: the old partnership keeps a nameless placeholder', () => {
    const tenantId = h.user('pat').tenantId;
    // Jordan coached before becoming a teacher: a past, cancelled partnership with Pat.
    h.core.services.people.addMembership(tenantId, 1, h.user('jordan').id, 'coach', h.clock.now());
    bookAccepted(h, 'book @jordan weekly wed 10:00', 'pat', 'jordan');
    const series = h.core.services.series.liveSeriesOfUser(tenantId, h.user('jordan').id)[0];
    h.core.app.action(
      { identity: { platform: 'console', tenantExternalId: 'local', userExternalId: 'pat', handle: 'pat' } },
      'booking.cancel.confirm',
      String(series.id),
    );
    h.core.services.people.removeMembership(tenantId, 1, h.user('jordan').id, 'coach');
    const jordan = h.user('jordan');
    const confirm = h.coaching('jordan', 'forget-me');
    const erased = h.press(
      'jordan',
      confirm.messages[0],
      confirm.messages[0].blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : [])).find((b) => b.style === 'danger')!.label,
    );
    expect(text(erased)).not.toContain('Something went wrong');
    expect(h.core.services.people.userById(tenantId, jordan.id)!.displayName).not.toContain('Jordan');
    expect(h.core.services.series.partnershipById(tenantId, series.partnershipId)!.coachId).toBe(jordan.id);
  });

  it('erases what a staff member holds as a teacher and says what stays: the role, and their name', () => {
    const tenantId = h.user('pat').tenantId;
    const casey = h.user('casey');
    // Casey coaches, and is also a teacher who asked another coach (Jordan) for help.
    h.core.services.people.addMembership(tenantId, 1, casey.id, 'teacher', h.clock.now());
    h.core.services.people.addMembership(tenantId, 1, h.user('jordan').id, 'coach', h.clock.now());
    const request = ask(h, 'casey', 'assessment', 'WOMBAT-RUBRIC grading');
    const confirm = h.coaching('casey', 'forget-me').messages[0];
    expect(confirm.text).toBe(
      'Erase what Touchpoint holds about you as a teacher? This cannot be undone: your 1 coaching request with their conversations and your "was it helpful?" answers; your teacher memberships. What stays: your role as coach at Demo Elementary.',
    );
    expect(buttonsOf(confirm).map((b) => b.label)).toEqual(['Erase my teacher data', 'Keep my data']);
    expect(text(h.press('casey', confirm, 'Erase my teacher data'))).toBe(
      'Done. Touchpoint erased 1 coaching request and your teacher memberships. What stays: your role as coach at Demo Elementary, and the records it keeps under your name. When the role ends, run /coaching forget-me again to erase the rest.\nMessages already delivered to your chat app stay in its history; delete them there if you wish.',
    );
    expect(findText(h, ['WOMBAT-RUBRIC'])).toEqual([]);
    expect(h.core.services.coaching.ofTeacher(tenantId, casey.id).map((r) => r.id)).not.toContain(request);
    expect(h.core.services.people.membershipsOf(tenantId, casey.id).map((m) => m.role)).toEqual(['coach']);
    expect(h.user('casey').displayName).toBe('Casey Lee');
    // A principal with nothing held as a teacher is told so, and what keeps their name; no button to press.
    const pat = h.coaching('pat', 'forget-me').messages[0];
    expect(pat.text).toBe(
      'Touchpoint holds nothing about you as a teacher: no coaching requests, no teacher membership. Your role as principal at Demo Elementary keeps your name on the touch-points, agendas and escalations it needs; when the role ends, run /coaching forget-me to erase the rest.',
    );
    expect(buttonsOf(pat)).toEqual([]);
  });
});

describe('forget-me scrubs only within the person’s own schools', () => {
  beforeEach(() => {
    h = createCoachingHarness();
    seedSchool(h, {
      name: 'Demo Elementary',
      members: [
        ['pat', 'Pat Rivera', 'principal'],
        ['casey', 'Casey Lee', 'coach'],
        ['will', 'Will Smith', 'teacher'],
      ],
    });
    seedSchool(h, {
      name: 'Lincoln Elementary',
      members: [
        ['lin', 'Lin Park', 'principal'],
        ['robin', 'Robin Diaz', 'coach'],
        ['wanda', 'Wanda Moore', 'teacher'],
      ],
    });
  });

  it('another school’s escalation keeps its words, even ones that look like the erased name', async () => {
    const tenantId = h.user('pat').tenantId;
    const mine = h.core.services.escalations.create(
      tenantId,
      {
        schoolId: 1,
        partnershipId: null,
        coachId: h.user('casey').id,
        concern: 'Will did not follow the plan',
        category: 'other',
        concernsUserId: null,
        urgent: false,
        stage: 'reflecting',
      },
      h.clock.now(),
    );
    const theirs = h.core.services.escalations.create(
      tenantId,
      {
        schoolId: 2,
        partnershipId: null,
        coachId: h.user('robin').id,
        concern: 'she will not follow the plan; we will meet again',
        category: 'other',
        concernsUserId: null,
        urgent: false,
        stage: 'reflecting',
      },
      h.clock.now(),
    );
    const confirm = h.coaching('will', 'forget-me').messages[0];
    h.press('will', confirm, 'Erase everything');
    expect(h.core.services.escalations.byId(tenantId, mine.id)!.concern).toBe('a teacher did not follow the plan');
    expect(h.core.services.escalations.byId(tenantId, theirs.id)!.concern).toBe('she will not follow the plan; we will meet again');
    await h.deliver();
  });
});

describe('forget-me erases from the database file itself', () => {
  it('leaves none of the request, the question or the reply in the raw bytes of the file and its log', async () => {
    const path = tempDbPath();
    h = threePeople({ databasePath: path, teacherName: 'Quentin Zebulon' });
    const id = ask(h, 'taylor', 'engagement', 'RAWBYTES-REQUEST my class is hard');
    const toCasey = dmsTo(await h.deliver(), 'casey')[0].message;
    h.submit('casey', formIn(h.press('casey', toCasey, 'Ask a question')).formId, { question: 'RAWBYTES-QUESTION which period?' });
    const q = dmsTo(await h.deliver(), 'taylor')[0].message;
    h.submit('taylor', formIn(h.press('taylor', q, 'Reply')).formId, { text: 'RAWBYTES-REPLY fourth period' });
    await h.deliver();
    expect(id).toBeGreaterThan(0);
    const bytes = (): string =>
      [path, `${path}-wal`]
        .filter((p) => existsSync(p))
        .map((p) => readFileSync(p).toString('latin1'))
        .join('');
    expect(bytes()).toContain('RAWBYTES-REQUEST');

    h.press('taylor', h.coaching('taylor', 'forget-me').messages[0], 'Erase everything');
    const raw = bytes();
    for (const secret of ['RAWBYTES-REQUEST', 'RAWBYTES-QUESTION', 'RAWBYTES-REPLY', 'Quentin Zebulon'])
      expect({ secret, found: raw.includes(secret) }).toEqual({ secret, found: false });
  });
});

describe('forget-me scrubs skip reasons and closure labels', () => {
  it('a skip reason and a closure label that name the teacher lose the name', async () => {
    h = threePeople();
    bookAccepted(h);
    ask(h, 'taylor', 'engagement', 'a request so Taylor is known here');
    h.run('pat', 'skip Taylor Morgan disciplinary hearing');
    h.run('pat', 'closed 2026-12-21..2026-12-22 Taylor Morgan disciplinary hearing');
    await h.deliver();
    h.press('taylor', h.coaching('taylor', 'forget-me').messages[0], 'Erase everything');
    const tenantId = h.user('pat').tenantId;
    expect(h.core.services.calendar.closuresOfSchool(tenantId, 1).map((c) => c.label)).toEqual(['a teacher disciplinary hearing']);
    const reasons = (h.core.db.prepare('SELECT reason FROM occurrences WHERE reason IS NOT NULL').all() as { reason: string }[]).map((r) => r.reason);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.join('\n')).not.toContain('Taylor');
  });
});

describe('forget-me and the Slack delivery log', () => {
  it('removes the delivery-log keys that carry the person’s platform id, and only those', () => {
    h = threePeople();
    ask(h, 'taylor', 'engagement', 'something');
    const log = h.core.db.prepare(`INSERT INTO slack_deliveries (delivery_key, status, started_at) VALUES (?, 'done', ?)`);
    log.run('action:1700000000.1:taylor:coaching.send:0', h.clock.now().toISOString());
    log.run('action:1700000000.2:casey:coaching.accept:0', h.clock.now().toISOString());
    h.press('taylor', h.coaching('taylor', 'forget-me').messages[0], 'Erase everything');
    const keys = (h.core.db.prepare('SELECT delivery_key FROM slack_deliveries ORDER BY delivery_key').all() as { delivery_key: string }[]).map(
      (r) => r.delivery_key,
    );
    expect(keys).toEqual(['action:1700000000.2:casey:coaching.accept:0']);
  });
});
