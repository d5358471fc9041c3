/**
 * The command language, table-driven: what a person types and the exact reply they read.
 * Errors are `reason` or `reason\nUsage: /touchpoint …`; valid texts must produce the right rows.
 */
import { createHarness, seedDemoSchool, seedSchool, bookAccepted, inbound, text, type Harness } from '../support/harness';
import { usageLine } from '../../src/core/registry';
import { buttonsOf, formOf, type Message } from '../../src/messages/model';
import type { Series } from '../../src/core/model';

const BOOK_USAGE = 'Usage: /touchpoint book @person weekly|biweekly <weekday> <HH:MM> [for <N>m] [from <date>]';
const SETUP_USAGE = 'Usage: /touchpoint setup <school name> <time zone> [<HH:MM>-<HH:MM>]';

let h: Harness;
afterEach(() => h?.close());

function tenantId(): number {
  return h.user('pat').tenantId;
}

/** Every series row in the harness's local tenant, proposed or active, of pat. */
function seriesOf(handle: string): Series[] {
  return h.core.services.series.liveSeriesOfUser(tenantId(), h.user(handle).id);
}

function only(r: { messages: Message[] }): Message {
  expect(r.messages).toHaveLength(1);
  return r.messages[0];
}

describe('invalid command texts get one line of reason (and the usage line for bad input)', () => {
  beforeEach(() => {
    h = createHarness(); // Mon 23 Nov 2026, 08:00 in New York
    seedDemoSchool(h);
    bookAccepted(h); // pat–casey, weekly Tue 14:00, so series commands have something to act on
  });

  it.each<[who: string, typed: string, reply: string]>([
    ['pat', 'frobnicate', '"frobnicate" is not a /touchpoint command.\nUsage: /touchpoint help lists every command'],
    ['pat', 'book @casey', `say how often: weekly or biweekly\n${BOOK_USAGE}`],
    ['pat', 'book @casey fortnightly tue 14:00', `say how often: weekly or biweekly\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly', `missing the weekday (like tue)\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly tue', `missing the time (like 14:00 or 2pm)\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly funday 14:00', `"funday" is not a weekday (use mon, tue, wed, thu, fri, sat or sun)\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly tue 25:00', `"25:00" is not a time (use 14:00, 2pm or 2:30pm)\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly tue 13pm', `"13pm" is not a time (use 14:00, 2pm or 2:30pm)\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly tue 14:00 for 5m', `a touch-point must be 15 to 120 minutes (got "5m")\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly tue 14:00 for 200m', `a touch-point must be 15 to 120 minutes (got "200m")\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly tue 14:00 for ages', `a touch-point must be 15 to 120 minutes (got "ages")\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly tue 14:00 please', `unexpected "please"\n${BOOK_USAGE}`],
    ['pat', 'book @casey weekly tue 14:00 from someday', `"someday" is not a date (use today, tomorrow, a weekday like tue, or YYYY-MM-DD)\n${BOOK_USAGE}`],
    ['pat', 'book @nobody weekly tue 14:00', `I don't know anyone called "@nobody" here.\n${BOOK_USAGE}`],
    [
      'pat',
      'move 2026-13-45 10:00',
      '"2026-13-45" is not a date (use today, tomorrow, a weekday like tue, or YYYY-MM-DD)\nUsage: /touchpoint move <date> <HH:MM>',
    ],
    ['pat', 'move thu', 'missing the time (like 14:00 or 2pm)\nUsage: /touchpoint move <date> <HH:MM>'],
    ['pat', 'move thu 10:30 sharp', 'unexpected "sharp"\nUsage: /touchpoint move <date> <HH:MM>'],
    ['pat', 'move 2026-11-23 07:00', 'Mon 23 Nov 2026 07:00 is in the past\nUsage: /touchpoint move <date> <HH:MM>'],
    ['pat', 'closed 2026-12-05..2026-12-01 Winter fair', 'the range must end on or after its start\nUsage: /touchpoint closed <date>[..<date>] <label>'],
    ['pat', 'closed 2026-12-01', 'missing the label (like Thanksgiving break)\nUsage: /touchpoint closed <date>[..<date>] <label>'],
    ['pat', 'closed 2026-12-01..2028-01-01 Forever', 'a closure can span at most a year\nUsage: /touchpoint closed <date>[..<date>] <label>'],
    ['pat', 'pause until 2026-11-01', 'the date to resume on must be after today\nUsage: /touchpoint pause until <date>'],
    ['pat', 'pause until today', 'the date to resume on must be after today\nUsage: /touchpoint pause until <date>'],
    ['pat', 'pause', 'say "until", like: pause until 2027-01-05\nUsage: /touchpoint pause until <date>'],
    ['pat', 'pause until', 'missing the date to resume on\nUsage: /touchpoint pause until <date>'],
    ['pat', 'pause for 2026-12-01', 'say "until", like: pause until 2027-01-05\nUsage: /touchpoint pause until <date>'],
    ['pat', 'resume', 'That series is not paused.'],
    ['pat', 'next week', 'unexpected "week"\nUsage: /touchpoint next'],
    ['pat', 'help me', 'unexpected "me"\nUsage: /touchpoint help'],
    ['pat', 'setup Lincoln Elementary', `missing the time zone (an IANA name like America/Chicago)\n${SETUP_USAGE}`],
    ['pat', 'setup Lincoln Elementary Mars/Olympus_Mons', `"Mars/Olympus_Mons" is not a time zone (use an IANA name like America/Chicago)\n${SETUP_USAGE}`],
    ['pat', 'setup America/Chicago', `missing the school name\n${SETUP_USAGE}`],
    ['pat', 'setup Lincoln America/Chicago 15:00-07:30', `the school day must end after it starts\n${SETUP_USAGE}`],
    ['pat', 'setup Lincoln America/Chicago mornings', `the school day must look like 07:30-15:30\n${SETUP_USAGE}`],
    ['pat', 'setup Demo Elementary America/New_York', 'A school called "Demo Elementary" already exists in this workspace.'],
    ['pat', 'coach add', 'name the coach, like @casey\nUsage: /touchpoint coach [add|remove @person]'],
    ['pat', 'coach hire @jordan', '"hire" is not add or remove\nUsage: /touchpoint coach [add|remove @person]'],
    ['pat', 'coach add @casey', 'Casey Lee is already a coach at Demo Elementary.'],
    ['taylor', 'coach add @jordan', 'Only a principal, assistant principal or admin manages coaches. Start your school with /touchpoint setup.'],
    ['taylor', 'coach', 'Only a principal, assistant principal or admin manages coaches. Start your school with /touchpoint setup.'],
  ])('%s types "%s"', (who, typed, reply) => {
    const before = JSON.stringify(seriesOf('pat'));
    const r = h.run(who, typed);
    expect(only(r).text).toBe(reply);
    // Refused input changes nothing: the one series is exactly as it was.
    expect(JSON.stringify(seriesOf('pat'))).toBe(before);
    expect(h.core.services.people.schoolsOfTenant(tenantId()).map((s) => s.name)).toEqual(['Demo Elementary']);
  });

  it('the error message carries the usage line as a context block, escaped for the markup', () => {
    const m = only(h.run('pat', 'book @casey weekly tue 25:00'));
    expect(m.blocks).toEqual([
      { type: 'text', text: '"25:00" is not a time \\(use 14:00, 2pm or 2:30pm\\)' },
      { type: 'context', text: 'Usage: /touchpoint book @person weekly|biweekly <weekday> <HH:MM> \\[for <N>m\\] \\[from <date>\\]' },
    ]);
  });

  it('a teacher who tries to book is refused without a usage line, and no series is created', () => {
    const r = h.run('taylor', 'book @casey weekly wed 14:00');
    expect(only(r).text).toBe('Only principals, assistant principals and coaches of Demo Elementary book touch-points.');
    expect(seriesOf('taylor')).toEqual([]);
    expect(seriesOf('casey')).toHaveLength(1);
  });
});

describe('help', () => {
  beforeEach(() => {
    h = createHarness();
    seedDemoSchool(h);
  });

  it.each(['touchpoint', 'coaching'] as const)('/%s help lists every registered command with its usage and description', (root) => {
    const reply = only(h.run('pat', 'help', { root }));
    const lines = reply.text.split('\n');
    expect(lines[0]).toBe(`/${root} commands:`);
    const others = h.core.app.registry.list(root).filter((s) => s.name !== 'help');
    expect(others.length).toBeGreaterThan(5);
    expect(lines.slice(1)).toEqual(others.map((s) => `${usageLine(s)} — ${s.describe}`));
    for (const name of root === 'touchpoint'
      ? [
          'setup',
          'coach',
          'book',
          'next',
          'skip',
          'move',
          'pause',
          'resume',
          'cancel',
          'closed',
          'agenda',
          'priorities',
          'escalate',
          'report',
          'calendar',
          'settings',
        ]
      : ['request', 'status', 'withdraw', 'forget-me', 'queue', 'hours']) {
      expect(lines.some((l) => l.startsWith(`/${root} ${name}`))).toBe(true);
    }
  });

  it('bare /touchpoint is help', () => {
    expect(only(h.run('pat', '')).text).toBe(only(h.run('pat', 'help')).text);
  });
});

describe('valid book texts create the right series', () => {
  beforeEach(() => {
    h = createHarness(); // Mon 23 Nov 2026, 08:00 EST
    seedDemoSchool(h);
  });

  it.each<[typed: string, row: Pick<Series, 'cadence' | 'weekday' | 'time' | 'durationMinutes' | 'startDate'>, firstAt: string, firstUtc: string]>([
    [
      'book @casey weekly tue 14:00',
      { cadence: 'weekly', weekday: 2, time: '14:00', durationMinutes: 30, startDate: '2026-11-23' },
      'Tue 24 Nov 2026, 14:00–14:30 EST',
      '2026-11-24T19:00:00.000Z',
    ],
    [
      'book @casey weekly tue 2pm',
      { cadence: 'weekly', weekday: 2, time: '14:00', durationMinutes: 30, startDate: '2026-11-23' },
      'Tue 24 Nov 2026, 14:00–14:30 EST',
      '2026-11-24T19:00:00.000Z',
    ],
    [
      'book @casey weekly Wednesday 2:30pm for 45m',
      { cadence: 'weekly', weekday: 3, time: '14:30', durationMinutes: 45, startDate: '2026-11-23' },
      'Wed 25 Nov 2026, 14:30–15:15 EST',
      '2026-11-25T19:30:00.000Z',
    ],
    [
      'book @casey biweekly thu 9:05am from 2026-12-01',
      { cadence: 'biweekly', weekday: 4, time: '09:05', durationMinutes: 30, startDate: '2026-12-01' },
      'Thu 3 Dec 2026, 09:05–09:35 EST',
      '2026-12-03T14:05:00.000Z',
    ],
    [
      'book @casey weekly mon 10:00 from tomorrow for 1h',
      { cadence: 'weekly', weekday: 1, time: '10:00', durationMinutes: 60, startDate: '2026-11-24' },
      'Mon 30 Nov 2026, 10:00–11:00 EST',
      '2026-11-30T15:00:00.000Z',
    ],
    [
      'book @casey weekly mon 10:00 from today',
      { cadence: 'weekly', weekday: 1, time: '10:00', durationMinutes: 30, startDate: '2026-11-23' },
      'Mon 23 Nov 2026, 10:00–10:30 EST',
      '2026-11-23T15:00:00.000Z',
    ],
    [
      'book @casey weekly fri noon from wed',
      { cadence: 'weekly', weekday: 5, time: '12:00', durationMinutes: 30, startDate: '2026-11-25' },
      'Fri 27 Nov 2026, 12:00–12:30 EST',
      '2026-11-27T17:00:00.000Z',
    ],
    [
      'book Casey Lee weekly tue 14:00 for 15',
      { cadence: 'weekly', weekday: 2, time: '14:00', durationMinutes: 15, startDate: '2026-11-23' },
      'Tue 24 Nov 2026, 14:00–14:15 EST',
      '2026-11-24T19:00:00.000Z',
    ],
    [
      'book "casey lee" WEEKLY TUE 2PM for 120m',
      { cadence: 'weekly', weekday: 2, time: '14:00', durationMinutes: 120, startDate: '2026-11-23' },
      'Tue 24 Nov 2026, 14:00–16:00 EST',
      '2026-11-24T19:00:00.000Z',
    ],
  ])('"%s"', async (typed, row, firstAt, firstUtc) => {
    const reply = only(h.run('pat', typed));
    expect(reply.text.split('\n')[0]).toMatch(
      new RegExp(`^Proposed to Casey Lee: .*, first on ${firstAt.replace(/[()]/g, '\\$&')}\\. They can accept or decline\\.$`),
    );

    const [series] = seriesOf('pat');
    expect(series).toMatchObject({ ...row, status: 'proposed', proposedBy: h.user('pat').id });
    const partnership = h.core.services.series.partnershipById(tenantId(), series.partnershipId)!;
    expect(partnership).toMatchObject({ principalId: h.user('pat').id, coachId: h.user('casey').id });

    // Casey accepts; the first occurrence is a row at the right UTC instant.
    const [dm] = await h.deliver();
    expect(dm.to).toBe('casey');
    expect(dm.message.text).toContain(`first on ${firstAt}`);
    expect(text(h.press('casey', dm.message, 'Accept'))).toMatch(/^Booked with Pat Rivera: /);
    const [first] = h.core.services.series.occurrencesOfSeries(tenantId(), series.id, h.clock.now(), 1);
    expect(first.startsAt.toISOString()).toBe(firstUtc);
    expect(first.endsAt.getTime() - first.startsAt.getTime()).toBe(row.durationMinutes * 60_000);
    expect(first.status).toBe('scheduled');
  });

  it('a start date in the past is refused with the usage line, and nothing is created', () => {
    expect(only(h.run('pat', 'book @casey weekly tue 14:00 from 2026-01-05')).text).toBe(`the start date Mon 5 Jan 2026 is in the past\n${BOOK_USAGE}`);
    expect(seriesOf('pat')).toEqual([]);
  });

  it('a biweekly series has occurrences 14 days apart', () => {
    bookAccepted(h, 'book @casey biweekly tue 14:00');
    const [series] = seriesOf('pat');
    const occ = h.core.services.series.occurrencesOfSeries(tenantId(), series.id, h.clock.now(), 3);
    expect(occ.map((o) => o.originalDate)).toEqual(['2026-11-24', '2026-12-08', '2026-12-22']);
  });
});

describe('the book form (bare "book")', () => {
  beforeEach(() => {
    h = createHarness();
    seedDemoSchool(h);
  });

  it('returns a form with person, cadence, weekday, time, duration and from inputs', () => {
    const m = only(h.run('pat', 'book'));
    const form = formOf(m);
    expect(form).toBeDefined();
    expect(form!.formId).toMatch(/^touchpoint\.book:once-[\w-]+$/);
    expect(form!.inputs.map((i) => [i.id, i.kind, i.required])).toEqual([
      ['person', 'person', true],
      ['cadence', 'choice', true],
      ['weekday', 'choice', true],
      ['time', 'time', true],
      ['duration', 'choice', true],
      ['from', 'date', false],
    ]);
    // A principal is offered the school's coaches (and no one else).
    expect(form!.inputs[0].choices!.map((c) => c.label)).toEqual(['Casey Lee']);
    expect(seriesOf('pat')).toEqual([]);
  });

  it('a bad time comes back as a field error on "time" and creates nothing', () => {
    const form = formOf(only(h.run('pat', 'book')))!;
    const person = form.inputs[0].choices![0].value;
    const outcome = h.core.app.submitForm(inbound('pat'), form.formId, { person, cadence: 'weekly', weekday: 'tue', time: '25:00', duration: '30', from: '' });
    expect(outcome.fieldErrors).toEqual({ time: '"25:00" is not a time (use 14:00, 2pm or 2:30pm)' });
    expect(only(outcome.reply).text.split('\n')[0]).toBe('"25:00" is not a time (use 14:00, 2pm or 2:30pm)');
    expect(seriesOf('pat')).toEqual([]);

    const missing = h.core.app.submitForm(inbound('pat'), form.formId, { person, cadence: 'weekly', weekday: 'tue', time: '  ', duration: '30' });
    expect(missing.fieldErrors).toEqual({ time: 'missing the time (like 14:00 or 2pm)' });
    expect(seriesOf('pat')).toEqual([]);
  });

  it('good values create the proposal and DM the person chosen', async () => {
    const form = formOf(only(h.run('pat', 'book')))!;
    const person = form.inputs[0].choices![0].value;
    const outcome = h.core.app.submitForm(inbound('pat'), form.formId, {
      person,
      cadence: 'biweekly',
      weekday: 'wed',
      time: '2:30pm',
      duration: '45',
      from: '2026-12-01',
    });
    expect(outcome.fieldErrors).toBeUndefined();
    expect(only(outcome.reply).text).toBe(
      'Proposed to Casey Lee: every two weeks on Wednesdays, 14:30–15:15, first on Wed 2 Dec 2026, 14:30–15:15 EST. They can accept or decline.',
    );
    expect(seriesOf('casey')).toEqual([
      expect.objectContaining({ cadence: 'biweekly', weekday: 3, time: '14:30', durationMinutes: 45, startDate: '2026-12-01', status: 'proposed' }),
    ]);
    const dms = await h.deliver();
    expect(dms.map((d) => d.to)).toEqual(['casey']);
    expect(buttonsOf(dms[0].message).map((b) => b.label)).toEqual(['Accept', 'Decline']);
  });
});

describe('an ambiguous name gets a choice, never a guess', () => {
  beforeEach(() => {
    h = createHarness();
    seedSchool(h, {
      name: 'Lincoln Elementary',
      members: [
        ['pat', 'Pat Rivera', 'principal'],
        ['casey', 'Casey Lee', 'coach'],
        ['cpark', 'Casey Park', 'coach'],
        ['taylor', 'Taylor Morgan', 'teacher'],
      ],
    });
  });

  it('"book casey …" offers one button per Casey, and pressing one books with that person', async () => {
    const choice = only(h.run('pat', 'book casey weekly tue 14:00'));
    expect(choice.text).toBe('"casey" could be several people. Which one did you mean? Casey Lee, Casey Park');
    const buttons = buttonsOf(choice);
    expect(buttons.map((b) => b.label)).toEqual(['Casey Lee (@casey)', 'Casey Park (@cpark)']);
    expect(seriesOf('pat')).toEqual([]);

    const park = buttons[1];
    const booked = only(h.core.app.action(inbound('pat'), park.actionId, park.value));
    expect(booked.text).toBe('Proposed to Casey Park: weekly on Tuesdays, 14:00–14:30, first on Tue 24 Nov 2026, 14:00–14:30 EST. They can accept or decline.');
    const [series] = seriesOf('pat');
    expect(h.core.services.series.partnershipById(tenantId(), series.partnershipId)!.coachId).toBe(h.user('cpark').id);
    expect(seriesOf('casey')).toEqual([]);
    expect((await h.deliver()).map((d) => d.to)).toEqual(['cpark']);
  });

  it('a full name or an exact @handle is not ambiguous', () => {
    expect(only(h.run('pat', 'book Casey Park weekly tue 14:00')).text).toMatch(/^Proposed to Casey Park: /);
    expect(only(h.run('pat', 'book @casey weekly wed 14:00')).text).toMatch(/^Proposed to Casey Lee: /);
  });

  it('a forged or stale choice button is refused plainly', () => {
    expect(only(h.core.app.action(inbound('pat'), 'command.rerun', 'not json')).text).toBe('That button is out of date. Type the command again.');
    expect(only(h.core.app.action(inbound('pat'), 'no.such.action', '1')).text).toBe('That button is out of date. Type the command again.');
    expect(seriesOf('pat')).toEqual([]);
  });
});
