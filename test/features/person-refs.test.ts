/**
 * People are referenced, not copied: text naming a member of the school is stored with a token
 * and shown with the person's current name, so a rename shows everywhere and an erased person
 * reads "a teacher" everywhere, without anyone searching text for names.
 */
import { bookAccepted, identity, seedSchool, text } from '../support/harness';
import { createCoachingHarness, formIn, type CoachingHarness } from './coaching/support';
import { internalMention } from '../../src/core/app';
import { personRef } from '../../src/core/person-refs';
import { buildExport } from '../../src/features/operations/commands';
import { escapeMarkup, formOf, type Message } from '../../src/messages/model';
import { slackMentions } from '../../adapters/slack/mentions';
import { mentionReader } from '../../adapters/teams/activity';
import type { MentionReader } from '../../src/core/app';

let h: CoachingHarness;
afterEach(() => h.close());

type Row = Record<string, unknown>;

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
  bookAccepted(h);
});

/** What the platform does on every request: the person's current display name replaces the stored one. */
function renamedByPlatform(handle: string, displayName: string): void {
  h.core.app.identify({ platform: 'console', tenantExternalId: 'local', userExternalId: handle, handle, displayName });
}

function forgetMe(handle: string): void {
  const erased = h.press(handle, h.coaching(handle, 'forget-me').messages[0], 'Erase everything');
  expect(text(erased)).toMatch(/^Done\./);
}

const everything = (m: Message): string => JSON.stringify(m);
const raw = (sql: string): unknown[] => (h.core.db.prepare(sql).all() as Row[]).map((r) => Object.values(r)[0]);

function exportOf(handle: string): string {
  const pat = h.user(handle);
  const actor = h.core.services.people.resolveActor({ platform: 'console', tenantExternalId: 'local', userExternalId: handle }, h.clock.now());
  const school = h.core.services.people.schoolById(pat.tenantId, 1)!;
  return JSON.stringify(buildExport(h.core.registry, h.core.services, actor, school, h.clock.now()));
}

describe('agenda text names people by reference', () => {
  it('a rename shows in the agenda and the home view; erasure shows "a teacher"; the row holds only the token', () => {
    const jordan = h.user('jordan');
    expect(text(h.run('casey', 'add support Check in with Jordan Kim'))).toContain('Check in with Jordan Kim');
    expect(raw('SELECT text FROM agenda_items')).toEqual([`Check in with ${personRef(jordan.id)}`]);

    renamedByPlatform('jordan', 'Jordan Park');
    expect(text(h.run('casey', 'agenda'))).toContain('Check in with Jordan Park');
    expect(text(h.run('pat', 'agenda'))).not.toContain('Jordan Kim');
    expect(everything(h.home('casey'))).toContain('Check in with Jordan Park');

    forgetMe('jordan');
    expect(text(h.run('casey', 'agenda'))).toContain('Check in with a teacher');
    expect(everything(h.home('pat'))).toContain('Check in with a teacher');
    // Nothing had to search the text: the row is as it was written.
    expect(raw('SELECT text FROM agenda_items')).toEqual([`Check in with ${personRef(jordan.id)}`]);
  });

  it('the edit form shows the current name, and saving it keeps the reference', () => {
    h.run('casey', 'add support Check in with Jordan Kim');
    renamedByPlatform('jordan', 'Jordan Park');
    const form = formIn(h.action('casey', 'agenda.item.edit', '1'));
    expect(form.inputs[0].initial).toBe('Check in with Jordan Park');
    const before = raw('SELECT text FROM agenda_items');
    h.submit('casey', form.formId, { text: form.inputs[0].initial });
    expect(raw('SELECT text FROM agenda_items')).toEqual(before);
  });

  it('priorities and action items too', () => {
    const taylor = h.user('taylor');
    h.run('pat', 'priorities add Support Taylor Morgan with the new unit');
    h.run('casey', 'priorities accept 1'); // a priority is shared once the other person accepts it
    h.core.services.agenda.addAction(
      taylor.tenantId,
      { partnershipId: 1, occurrenceId: null, text: 'Observe Taylor Morgan', ownerId: h.user('casey').id, dueDate: '2026-12-01', createdBy: h.user('pat').id },
      h.clock.now(),
    );
    expect(raw('SELECT text FROM priorities')).toEqual([`Support ${personRef(taylor.id)} with the new unit`]);
    expect(raw('SELECT text FROM action_items')).toEqual([`Observe ${personRef(taylor.id)}`]);
    renamedByPlatform('taylor', 'Taylor Reyes');
    expect(text(h.run('pat', 'agenda'))).toContain('Support Taylor Reyes with the new unit');
    expect(everything(h.home('casey'))).toContain('Observe Taylor Reyes');
  });

  it('a display name holding markup is still escaped where it is shown', () => {
    h.run('casey', 'add support Check in with Jordan Kim');
    const hostile = '*bold* <https://evil.example|here>';
    renamedByPlatform('jordan', hostile);
    const agenda = h.run('casey', 'agenda').messages[0];
    const shown = agenda.blocks.flatMap((b) => (b.type === 'list' ? b.items : b.type === 'text' ? [b.text] : [])).join('\n');
    expect(shown).toContain(`Check in with ${escapeMarkup(hostile)}`);
    expect(shown).not.toContain('with *bold*');
  });

  it('a name outside the school stays as typed (only the school’s members are referenced)', () => {
    seedSchool(h, { name: 'Other School', members: [['will', 'Will Other', 'teacher']] });
    h.run('casey', 'add support Ask Will Other about the rubric');
    expect(raw('SELECT text FROM agenda_items')).toEqual(['Ask Will Other about the rubric']);
  });
});

describe('escalations, skip reasons and closure labels name people by reference', () => {
  it('an escalation concern and its plan show the current name, and "a teacher" after erasure', () => {
    const jordan = h.user('jordan');
    const form = formOf(h.run('casey', 'escalate').messages[0])!;
    h.submit('casey', form.formId, {
      concern: 'Jordan Kim left the class unattended',
      category: 'safety',
      about: internalMention(jordan),
      urgency: 'urgent',
    });
    expect(raw('SELECT concern FROM escalations')).toEqual([`${personRef(jordan.id)} left the class unattended`]);
    h.core.services.escalations.update(jordan.tenantId, 1, { planText: 'Pair Jordan Kim with a mentor' }, h.clock.now());
    expect(raw('SELECT plan_text FROM escalations')).toEqual([`Pair ${personRef(jordan.id)} with a mentor`]);
    renamedByPlatform('jordan', 'Jordan Park');
    expect(h.core.services.escalations.byId(jordan.tenantId, 1)!.planText).toBe('Pair Jordan Park with a mentor');
    expect(everything(h.run('casey', 'escalations').messages[0])).toContain('Jordan Park left the class unattended');
    forgetMe('jordan');
    expect(everything(h.run('casey', 'escalations').messages[0])).toContain('a teacher left the class unattended');
    expect(raw('SELECT concern FROM escalations')).toEqual([`${personRef(jordan.id)} left the class unattended`]);
  });

  it('a skip reason and a closure label show the current name, in the export too', () => {
    const taylor = h.user('taylor');
    h.run('pat', 'skip Taylor Morgan disciplinary hearing');
    h.run('pat', 'closed 2026-12-21..2026-12-22 Taylor Morgan disciplinary hearing');
    expect(raw('SELECT label FROM closures')).toEqual([`${personRef(taylor.id)} disciplinary hearing`]);
    const reasons = raw("SELECT DISTINCT reason FROM occurrences WHERE reason IS NOT NULL AND reason != 'paused'");
    expect(reasons).toEqual([`${personRef(taylor.id)} disciplinary hearing`]);

    renamedByPlatform('taylor', 'Taylor Reyes');
    const tenantId = taylor.tenantId;
    expect(h.core.services.calendar.closuresOfSchool(tenantId, 1).map((c) => c.label)).toEqual(['Taylor Reyes disciplinary hearing']);
    const skippedOne = h.core.services.series.occurrencesOfSeries(tenantId, 1, h.clock.now()).find((o) => o.status === 'skipped')!;
    expect(skippedOne.reason).toBe('Taylor Reyes disciplinary hearing');
    expect(exportOf('pat')).toContain('Taylor Reyes disciplinary hearing');
    expect(exportOf('pat')).not.toContain('Taylor Morgan');

    forgetMe('taylor');
    expect(h.core.services.calendar.closuresOfSchool(tenantId, 1).map((c) => c.label)).toEqual(['a teacher disciplinary hearing']);
    expect(h.core.services.series.occurrenceById(tenantId, skippedOne.id)!.reason).toBe('a teacher disciplinary hearing');
    expect(raw('SELECT label FROM closures')).toEqual([`${personRef(taylor.id)} disciplinary hearing`]);
  });

  it('an unchanged reason is written back with its reference when the occurrence changes', () => {
    const taylor = h.user('taylor');
    h.run('pat', 'skip Taylor Morgan disciplinary hearing');
    const tenantId = taylor.tenantId;
    const skippedOne = h.core.services.series.occurrencesOfSeries(tenantId, 1, h.clock.now()).find((o) => o.status === 'skipped')!;
    renamedByPlatform('taylor', 'Taylor Reyes');
    h.core.services.series.updateOccurrence(tenantId, skippedOne.id, { moved: true }, null, h.clock.now());
    expect(h.core.db.prepare('SELECT reason FROM occurrences WHERE id = ?').get(skippedOne.id)).toEqual({
      reason: `${personRef(taylor.id)} disciplinary hearing`,
    });
  });
});

describe('a mention typed into free text is stored as a reference', () => {
  /** A school whose people have platform ids like Slack's, pat ↔ casey booked. */
  function platformSchool(): void {
    seedSchool(h, {
      tenant: 'T1',
      name: 'Platform Elementary',
      members: [
        ['U0PAT', 'Pat Rivera', 'principal'],
        ['U0CASEY', 'Casey Lee', 'coach'],
        ['U0JORDAN', 'Jordan Kim', 'teacher'],
      ],
    });
    bookAccepted(h, 'book @U0CASEY weekly tue 14:00', 'U0PAT', 'U0CASEY', 'T1');
  }
  const typed = (handle: string, mentions: MentionReader, line: string) =>
    h.core.app.command({ identity: identity(handle, 'T1'), mentions }, 'touchpoint', line);
  const jordanRef = (): string => personRef(h.user('U0JORDAN', 'T1').id);

  it('Slack: <@U…> and <@U…|name> in an agenda item become the reference; the reply shows the name', () => {
    platformSchool();
    const r = typed('U0CASEY', slackMentions(), 'add support Check in with <@U0JORDAN> about <@U0JORDAN|jordan>’s unit');
    expect(text(r)).toContain('Check in with Jordan Kim about Jordan Kim’s unit');
    expect(everything(r.messages[0])).not.toContain('⟦');
    expect(raw('SELECT text FROM agenda_items WHERE partnership_id = 2')).toEqual([`Check in with ${jordanRef()} about ${jordanRef()}’s unit`]);
    // A mention still names a person where a command takes one.
    expect(text(typed('U0CASEY', slackMentions(), 'agenda with <@U0PAT>'))).toContain('Check in with Jordan Kim');
  });

  it('Teams: an @mention token becomes the reference; someone outside the school is written out by name', () => {
    platformSchool();
    const mentions = mentionReader(
      [
        { id: '29:j', aadObjectId: 'U0JORDAN', name: 'Jordan Kim' },
        { id: '29:w', aadObjectId: 'U0WILL', name: 'Will Outside' },
      ],
      () => undefined,
    );
    typed('U0CASEY', mentions, 'add support Observe @mention:0 alongside @mention:1');
    expect(raw('SELECT text FROM agenda_items WHERE partnership_id = 2')).toEqual([`Observe ${jordanRef()} alongside Will Outside`]);
  });

  it('what a handler echoes of its input, and the DM it sends, show the name', async () => {
    platformSchool();
    await h.deliver();
    const r = typed('U0PAT', slackMentions(), 'skip <@U0JORDAN> hearing');
    expect(everything(r.messages[0])).not.toContain('⟦');
    const dm = (await h.deliver()).find((d) => d.to === 'U0CASEY')!;
    expect(dm.message.text).toContain('Reason: Jordan Kim hearing.');
    expect(raw("SELECT DISTINCT reason FROM occurrences WHERE reason LIKE '%hearing'")).toEqual([`${jordanRef()} hearing`]);
  });
});
