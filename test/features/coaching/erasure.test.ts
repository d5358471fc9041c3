/**
 * How forget-me erases, beyond what it erases (forget-me.test.ts): the forms a colleague's name
 * takes in others' text, slices that let other requests through, repeated calls, and the ledger
 * that keeps a restored backup from bringing the person back.
 */
import { appendFileSync, copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bookAccepted, seedSchool, tempDbPath, text } from '../../support/harness';
import { backupDatabase } from '../../../src/store/backup';
import { ask, createCoachingHarness, dmsTo, type CoachingHarness } from './support';

let h: CoachingHarness | undefined;
afterEach(() => h?.close());

function school(opts: { databasePath?: string; erasureLedgerPath?: string; eraseInBackground?: boolean } = {}): CoachingHarness {
  const harness = createCoachingHarness(opts);
  seedSchool(harness, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
    ],
  });
  return harness;
}

const eraseTaylor = (harness: CoachingHarness) => harness.press('taylor', harness.coaching('taylor', 'forget-me').messages[0], 'Erase everything');

describe('the forms of a name', () => {
  it('takes out the surname, a title with it, an initial with it and the initials, as colleagues write them', async () => {
    h = school();
    const tenantId = h.user('pat').tenantId;
    bookAccepted(h);
    ask(h, 'taylor', 'engagement', 'a request so Taylor is known here');
    h.core.services.escalations.create(
      tenantId,
      {
        schoolId: 1,
        partnershipId: null,
        coachId: h.user('casey').id,
        concern: 'Ms. Morgan shouted at a student in 4B; T. Morgan then left. TM says Morgan will apologise.',
        category: 'conduct',
        concernsUserId: null,
        urgent: false,
        stage: 'raised',
      },
      h.clock.now(),
    );
    h.run('pat', 'add support Observe Ms Morgan and T.M. in period 2');
    await h.deliver();

    eraseTaylor(h);
    const concerns = h.core.services.escalations.openOfSchool(tenantId, 1).map((e) => e.concern);
    expect(concerns).toEqual(['a teacher shouted at a student in 4B; a teacher then left. a teacher says a teacher will apologise.']);
    expect(h.core.services.agenda.openItems(tenantId, 1).map((i) => i.text)).toEqual(['Observe a teacher and a teacher in period 2']);
    // Each author is told their text changed, not whose name it was.
    const sent = await h.deliver();
    for (const who of ['casey', 'pat']) {
      const notices = dmsTo(sent, who).filter((d) => d.message.text.startsWith('A person asked Touchpoint to forget them'));
      expect(notices).toHaveLength(1);
      expect(notices[0].message.text).not.toMatch(/Taylor|Morgan/);
    }
  });
});

describe('erasing in slices', () => {
  it('answers at once, lets other requests through between slices, and finishes in the background', async () => {
    h = school({ eraseInBackground: true });
    const tenantId = h.user('pat').tenantId;
    bookAccepted(h);
    const request = ask(h, 'taylor', 'engagement', 'SLICED-REQUEST my class');
    // Enough of Pat's agenda naming Taylor that the work takes many slices.
    const partnership = h.core.services.series.liveSeriesOfUser(tenantId, h.user('pat').id)[0].partnershipId;
    const insert = h.core.db.prepare(
      `INSERT INTO agenda_items (partnership_id, author_id, section, text, status, created_at, updated_at) VALUES (?, ?, 'support', ?, 'open', ?, ?)`,
    );
    h.core.db.transaction(() => {
      for (let i = 0; i < 3000; i += 1)
        insert.run(partnership, h!.user('pat').id, `Item ${i}: check in with Taylor Morgan`, h!.clock.now().toISOString(), h!.clock.now().toISOString());
    })();
    await h.deliver();

    const reply = eraseTaylor(h);
    expect(text(reply)).toMatch(/^Done\. Touchpoint erased 1 coaching request/);
    // The request went with the answer; the rest is still under way, and the bot still answers others.
    expect(h.core.services.coaching.byId(tenantId, request)).toBeUndefined();
    expect(h.core.services.erasure.pending()).toBe(true);
    expect(text(h.run('casey', 'help'))).not.toContain('Something went wrong');

    await h.core.erasures.idle();
    expect(h.core.services.erasure.pending()).toBe(false);
    const left = h.core.db.prepare(`SELECT COUNT(*) AS n FROM agenda_items WHERE text LIKE '%Morgan%'`).get() as { n: number };
    expect(left.n).toBe(0);
    expect(h.core.services.people.userById(tenantId, h.user('casey').id)!.displayName).toBe('Casey Lee');
    const notice = dmsTo(await h.deliver(), 'pat').find((d) => d.message.text.startsWith('A person asked Touchpoint'));
    expect(notice?.message.text).toContain('3000 things you wrote named them');
  });

  it('is on record in the ledger as soon as the request answers; stopped half-way, it is finished at the next start', async () => {
    const databasePath = tempDbPath();
    const erasureLedgerPath = join(dirname(databasePath), 'erasures.ledger');
    h = school({ databasePath, erasureLedgerPath, eraseInBackground: true });
    const tenantId = h.user('pat').tenantId;
    const taylor = h.user('taylor');
    ask(h, 'taylor', 'engagement', 'a request');
    await h.deliver();
    eraseTaylor(h);
    expect(readFileSync(erasureLedgerPath, 'utf8')).toContain(`${tenantId}\t${taylor.id}\teverything\t`);
    // The service stops before any slice ran: the name is still on the user row.
    h.core.erasures.stop();
    await h.core.erasures.idle();
    expect(h.core.services.people.userById(tenantId, taylor.id)!.displayName).toBe('Taylor Morgan');
    h.close();
    h = createCoachingHarness({ databasePath, erasureLedgerPath });
    expect(h.core.services.people.userById(tenantId, taylor.id)!.displayName).toBe('Former teacher');
    expect(h.core.services.erasure.pending()).toBe(false);
  });

  it('a second forget-me while one is under way adds nothing', () => {
    h = school({ eraseInBackground: true });
    const tenantId = h.user('pat').tenantId;
    const taylor = h.user('taylor');
    ask(h, 'taylor', 'engagement', 'a request');
    h.core.services.transaction(() => h!.core.services.erasure.begin(tenantId, taylor.id, 'everything', h!.clock.now()));
    expect(h.core.services.transaction(() => h!.core.services.erasure.begin(tenantId, taylor.id, 'everything', h!.clock.now()))).toEqual({ requests: 0 });
    expect((h.core.db.prepare('SELECT COUNT(*) AS n FROM erasures').get() as { n: number }).n).toBe(1);
  });
});

describe('the erasure ledger', () => {
  it('a backup taken before the erasure, restored, does not bring the teacher back', async () => {
    const databasePath = tempDbPath();
    const erasureLedgerPath = join(dirname(databasePath), 'erasures.ledger');
    h = school({ databasePath, erasureLedgerPath });
    const tenantId = h.user('pat').tenantId;
    bookAccepted(h);
    const taylor = h.user('taylor');
    ask(h, 'taylor', 'classroom-management', 'LEDGER-REQUEST I feel like quitting');
    h.run('pat', 'add support Check in with Taylor Morgan');
    await h.deliver();
    const backup = await backupDatabase(h.core.db, join(dirname(databasePath), 'backups'), 14, h.clock.now());

    eraseTaylor(h);
    // The ledger holds ids only.
    const ledger = readFileSync(erasureLedgerPath, 'utf8');
    expect(ledger).not.toMatch(/Taylor|Morgan|LEDGER-REQUEST|taylor/);
    expect(ledger).toContain(`${tenantId}\t${taylor.id}\teverything\t`);
    h.close();

    // The operator restores the backup as the README says, and starts the service.
    copyFileSync(backup.path, databasePath);
    for (const extra of [`${databasePath}-wal`, `${databasePath}-shm`]) if (existsSync(extra)) rmSync(extra);
    h = createCoachingHarness({ databasePath, erasureLedgerPath });
    expect(h.core.services.people.userById(tenantId, taylor.id)!.displayName).toBe('Former teacher');
    expect(h.core.services.coaching.ofTeacher(tenantId, taylor.id)).toEqual([]);
    expect(h.core.services.agenda.openItems(tenantId, 1).map((i) => i.text)).toEqual(['Check in with a teacher']);
    expect(readFileSync(databasePath).toString('latin1')).not.toContain('LEDGER-REQUEST');
    // Coming back, Taylor is a new person; a later start applies nothing twice.
    h.coaching('taylor', 'status');
    expect(h.user('taylor').id).not.toBe(taylor.id);
    h.close();
    h = createCoachingHarness({ databasePath, erasureLedgerPath });
    expect((h.core.db.prepare('SELECT COUNT(*) AS n FROM erasures').get() as { n: number }).n).toBe(1);
    expect(h.user('taylor').displayName).not.toBe('Former teacher');
  });

  it('keeps an erased id that a restored backup never knew from being given to someone new', () => {
    const databasePath = tempDbPath();
    const erasureLedgerPath = join(dirname(databasePath), 'erasures.ledger');
    h = school({ databasePath, erasureLedgerPath });
    const tenantId = h.user('pat').tenantId;
    h.close();
    // A ledger line for a user id this database has not reached yet (erased after the backup was made).
    const futureId = 9001;
    const line = `${tenantId}\t${futureId}\teverything\t2026-11-20T10:00:00.000Z\n`;
    appendFileSync(erasureLedgerPath, line);
    h = createCoachingHarness({ databasePath, erasureLedgerPath });
    expect(h.core.services.people.userById(tenantId, futureId)!.displayName).toBe('Former teacher');
    h.run('newcomer', 'help');
    const newcomer = h.user('newcomer');
    expect(newcomer.id).toBeGreaterThan(futureId);
  });
});
