/**
 * A teacher's coaching request through every answer, with the settable clock: accept (and the
 * session, "was it helpful?"), a question and the teacher's reply, a kind decline, withdraw, and
 * the coach's nudge after 2 school days. The principal and AP never receive any of it.
 */
import { seedSchool, text } from '../../support/harness';
import { toLocal } from '../../../src/core/datetime';
import { buttonsOf, type Message } from '../../../src/messages/model';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import { ask, createCoachingHarness, dmsTo, formIn, type CoachingHarness } from './support';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const local = (d: Date): string => {
  const l = toLocal(d, NY);
  return `${l.date} ${l.time}`;
};
const plain = (m: Message): string => `${m.text}\n${renderPlainText(m)}`;

function seed(h: CoachingHarness): number {
  return seedSchool(h, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['alex', 'Alex Chen', 'assistant_principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
      ['jordan', 'Jordan Kim', 'teacher'],
    ],
  });
}

let h: CoachingHarness;
beforeEach(() => {
  h = createCoachingHarness(); // Thu 19 Nov 2026, 10:00 New York
  seed(h);
});
afterEach(() => h.close());

/** No DM ever reaches a leader, and none of their replies carries a teacher's words. */
function leadersGotNothing(): void {
  expect(h.notifier.sent.filter((d) => d.to === 'pat' || d.to === 'alex')).toEqual([]);
}

describe('asking', () => {
  it('typed topic and details still show the confirmation, with exactly what the principal will see', async () => {
    const confirm = h.coaching('taylor', 'request classroom-management Transitions after lunch take 15 minutes').messages[0];
    expect(confirm.blocks[0]).toEqual({ type: 'header', text: 'Check your request' });
    expect(confirm.text).toContain('Only you and the coaches of Demo Elementary (Casey Lee) see it.');
    expect(confirm.text).toContain(
      'What your principal will see: Only that one request about Classroom management adds to the count for November 2026, shown to your principal once that month is over. While that count is under 3 it shows as "fewer than 3". Not your name, not what you wrote, not its status.',
    );
    expect(buttonsOf(confirm).map((b) => b.label)).toEqual(['Send request', 'Share with my principal', 'Edit', 'Cancel']);
    // Nothing is sent before the teacher says so.
    expect(await h.deliver()).toEqual([]);

    const shared = h.press('taylor', confirm, 'Share with my principal').messages[0];
    expect(shared.text).toContain('What your principal will see: Classroom management — Taylor Morgan — waiting for a coach — sent Thu 19 Nov 2026');
    expect(buttonsOf(shared).map((b) => b.label)).toContain('Don’t share with my principal');
    const unshared = h.press('taylor', shared, 'Don’t share with my principal').messages[0];
    expect(unshared.text).toContain('Only that one request about Classroom management');

    const sent = h.press('taylor', unshared, 'Send request');
    expect(text(sent)).toMatch(/^Sent: request #\d+ went to the coaches of Demo Elementary\. A receipt is in your messages\./);
    const dms = await h.deliver();
    const receipt = dmsTo(dms, 'taylor')[0].message;
    expect(receipt.text).not.toContain('Transitions after lunch');
    expect(renderPlainText(receipt)).toContain('Transitions after lunch take 15 minutes');
    expect(receipt.text).toContain('Who can see it: you and those coaches;');
    expect(receipt.text).toContain('/coaching withdraw 1');
    expect(receipt.text).toContain('/coaching forget-me');
    const toCoach = dmsTo(dms, 'casey')[0].message;
    // A lock screen shows the fallback text: nothing of the request. The message itself has it all.
    expect(toCoach.text).toBe('Coaching request #1 — open Touchpoint to read it.');
    expect(renderPlainText(toCoach)).toContain('Taylor Morgan asks for help with Classroom management.');
    expect(renderPlainText(toCoach)).toContain('Transitions after lunch take 15 minutes');
    expect(buttonsOf(toCoach).map((b) => b.label)).toEqual(['Accept and propose a time', 'Ask a question', 'Decline kindly']);
    leadersGotNothing();
  });

  it('the bare command opens the form: topic, details, format, times, and sharing off by default', () => {
    h.coaching('casey', 'hours tue 10:00-11:00, thu 13:00-13:45');
    const form = formIn(h.coaching('taylor', ''));
    expect(form.formId).toMatch(/^coaching\.request:once-[\w-]+$/); // a one-time id: a second submission is refused
    expect(form.inputs.map((i) => [i.id, i.kind, i.required])).toEqual([
      ['topic', 'choice', true],
      ['details', 'longtext', true],
      ['format', 'choice', false],
      ['slot', 'choice', false],
      ['times', 'text', false],
      ['share', 'checkbox', false],
    ]);
    expect(form.inputs.find((i) => i.id === 'share')!.initial).toBe('false');
    expect(form.inputs.find((i) => i.id === 'topic')!.choices!.map((c) => c.label)).toEqual([
      'Classroom management',
      'Student engagement',
      'Assessment and data',
      'Curriculum and planning',
      'Differentiation',
      'Technology',
      'Other',
    ]);
    expect(form.inputs.find((i) => i.id === 'format')!.choices!.map((c) => c.label)).toEqual([
      'Observe and debrief',
      'Co-plan',
      'Co-teach',
      'Model lesson',
      'Just talk it through',
    ]);
    expect(form.inputs.find((i) => i.id === 'slot')!.choices!.map((c) => c.label)).toEqual(['Casey Lee: Tue 10:00–11:00', 'Casey Lee: Thu 13:00–13:45']);

    const out = h.submit('taylor', form.formId, {
      topic: 'engagement',
      details: 'Quiet students in group work',
      format: 'observe',
      slot: 'Casey Lee: Thu 13:00–13:45',
      times: 'or Friday mornings',
      share: 'true',
    });
    const confirm = out.reply.messages[0];
    expect(confirm.text).toContain('Student engagement — Taylor Morgan — waiting for a coach');
    expect(renderPlainText(confirm)).toContain('Preferred times: Casey Lee: Thu 13:00–13:45; or Friday mornings');
    expect(renderPlainText(confirm)).toContain('Format: Observe and debrief');
  });

  it('a topic alone opens the form with it chosen; bad input gets one line and the usage', () => {
    const form = formIn(h.coaching('taylor', 'request engagement'));
    expect(form.inputs.find((i) => i.id === 'topic')!.initial).toBe('engagement');
    expect(text(h.coaching('taylor', 'request feelings I am tired'))).toBe(
      '"feelings" is not a topic (classroom-management, engagement, assessment, curriculum, differentiation, technology, other)\nUsage: /coaching request [topic] [details]',
    );
    expect(text(h.coaching('taylor', `request other ${'x'.repeat(1501)}`))).toBe(
      'what you would like help with must be at most 1500 characters\nUsage: /coaching request [topic] [details]',
    );
    expect(text(h.coaching('taylor', 'withdraw twelve'))).toBe('"twelve" is not a request number (like 12)\nUsage: /coaching withdraw <id>');
    expect(text(h.coaching('taylor', 'withdraw'))).toBe('say which request, like: withdraw 12 (/coaching status lists them)\nUsage: /coaching withdraw <id>');
    expect(text(h.coaching('taylor', 'status please'))).toBe('unexpected "please"\nUsage: /coaching status');
    const missing = h.submit('taylor', 'coaching.request', { topic: 'engagement', details: '' });
    expect(missing.fieldErrors).toEqual({ details: 'say what you would like help with' });
  });

  it('only teachers start requests: principals, APs and coaches get a clear refusal; a coach who teaches asks the other coaches', async () => {
    for (const who of ['pat', 'alex', 'casey']) {
      expect(text(h.coaching(who, 'request engagement Please coach Jordan'))).toMatch(
        /^Coaching requests come from teachers, for themselves: you are .* at Demo Elementary, and no one can ask on a teacher’s behalf or assign coaching\./,
      );
      expect(text(h.coaching(who, ''))).toMatch(/^Coaching requests come from teachers/);
    }
    expect(h.core.db.prepare('SELECT COUNT(*) AS n FROM coaching_requests').get()).toEqual({ n: 0 });

    const tenant = h.user('pat').tenantId;
    const robin = h.core.services.people.ensureUser(tenant, 'robin', h.clock.now(), 'Robin Diaz', 'robin');
    h.core.services.people.addMembership(tenant, 1, robin.id, 'coach', h.clock.now());
    h.core.services.people.addMembership(tenant, 1, robin.id, 'teacher', h.clock.now());
    const id = ask(h, 'robin', 'technology', 'Setting up the new displays');
    const dms = await h.deliver();
    expect(dmsTo(dms, 'casey').map((d) => renderPlainText(d.message))).toEqual([expect.stringContaining('Robin Diaz asks for help with Technology')]);
    expect(dmsTo(dms, 'robin').map((d) => d.message.blocks[0])).toEqual([{ type: 'header', text: `Your coaching request #${id}` }]);
    // Their own request is not in their queue, and they cannot answer it.
    expect(text(h.coaching('robin', 'queue'))).not.toContain('Setting up the new displays');
    expect(text(h.action('robin', 'coaching.accept', String(id)))).toBe('This is your own request: another coach answers it.');
  });

  it('with no school role, asking in a one-school workspace makes them a teacher there, and says so', () => {
    const confirm = h.coaching('sam', 'request curriculum Unit planning for fractions').messages[0];
    expect(confirm.text).toContain('Sending it makes you a teacher of Demo Elementary on Touchpoint.');
    expect(h.core.services.people.membershipsOf(h.user('sam').tenantId, h.user('sam').id)).toEqual([]);
    const sent = h.press('sam', confirm, 'Send request');
    expect(text(sent)).toContain('You have joined Demo Elementary as a teacher on Touchpoint.');
    expect(h.core.services.people.membershipsOf(h.user('sam').tenantId, h.user('sam').id).map((m) => m.role)).toEqual(['teacher']);
  });

  it('with several schools, the first request asks which is theirs', async () => {
    seedSchool(h, {
      name: 'Westside Middle',
      members: [
        ['wes', 'Wes Park', 'principal'],
        ['kim', 'Kim Ito', 'coach'],
      ],
    });
    const form = formIn(h.coaching('sam', 'request assessment Exit tickets that tell me something'));
    expect(form.inputs[0]).toMatchObject({ id: 'school', kind: 'choice', required: true });
    expect(form.inputs[0].choices!.map((c) => c.label)).toEqual(['Demo Elementary', 'Westside Middle']);
    expect(form.inputs.find((i) => i.id === 'details')!.initial).toBe('Exit tickets that tell me something');
    const westside = form.inputs[0].choices!.find((c) => c.label === 'Westside Middle')!.value;
    const confirm = h.submit('sam', form.formId, { school: westside, topic: 'assessment', details: 'Exit tickets that tell me something' }).reply.messages[0];
    expect(confirm.text).toContain('Only you and the coaches of Westside Middle (Kim Ito) see it.');
    h.press('sam', confirm, 'Send request');
    expect(dmsTo(await h.deliver(), 'kim')).toHaveLength(1);
    // Now a teacher at Westside: the next request needs no choice.
    expect(h.coaching('sam', 'request other Another thing').messages[0].text).toContain('coaches of Westside Middle');
  });
});

describe('the coach answers', () => {
  it('a session whose day the school then closes: the coach is asked the next school day', async () => {
    const id = ask(h, 'taylor', 'classroom-management', 'Transitions after lunch');
    const toCasey = dmsTo(await h.deliver(), 'casey')[0].message;
    const form = formIn(h.press('casey', toCasey, 'Accept and propose a time'));
    h.submit('casey', form.formId, { when: 'Tue 24 Nov, 10:00 in room 12', date: '2026-11-24', note: '' });
    await h.deliver();
    expect(text(h.run('pat', 'closed 2026-11-24 Staff development day'))).toContain('Staff development day');
    const later = await h.advance(new Date('2026-11-26T14:00:00Z').getTime() - h.clock.now().getTime());
    const followUp = dmsTo(later, 'casey').filter((d) => d.message.text.startsWith('Your coaching session'));
    expect(followUp.map((d) => local(d.at))).toEqual(['2026-11-25 15:30']);
    expect(followUp[0].message.text).toContain(`request #${id}`);
  });

  it('accept and propose a time, then the session, "was it helpful?" (private to the coach)', async () => {
    const id = ask(h, 'taylor', 'classroom-management', 'Transitions after lunch');
    const toCasey = dmsTo(await h.deliver(), 'casey')[0].message;
    const form = formIn(h.press('casey', toCasey, 'Accept and propose a time'));
    expect(form.formId).toBe(`coaching.accept:${id}`);
    expect(form.inputs.map((i) => i.id)).toEqual(['when', 'date', 'time', 'note']);
    const accepted = h.submit('casey', form.formId, { when: 'Tue 24 Nov, 10:00 in room 12', date: '2026-11-24', note: 'Bring your lunch schedule.' });
    expect(text(accepted.reply)).toBe(
      `Accepted request #${id}; Taylor Morgan has been told you propose: Tue 24 Nov, 10:00 in room 12.\nMark it done after the session: the teacher is then asked whether it was helpful (only you see the answer).`,
    );
    const toTaylor = dmsTo(await h.deliver(), 'taylor');
    expect(toTaylor.map((d) => d.message.text)).toEqual([`Your coach answered coaching request #${id} — open Touchpoint to read it.`]);
    expect(renderPlainText(toTaylor[0].message)).toContain(
      `Casey Lee accepted your coaching request #${id} (Classroom management) and proposes: Tue 24 Nov, 10:00 in room 12 (Tue 24 Nov 2026).\nBring your lunch schedule.`,
    );
    // A second press of the same button: already taken up.
    expect(text(h.press('casey', toCasey, 'Decline kindly'))).toBe(`Request #${id} is accepted, session proposed: there is nothing to answer.`);
    // Not before the session.
    expect(text(h.press('casey', accepted.reply.messages[0], 'Mark done'))).toBe('The session is planned for Tue 24 Nov 2026: mark it done after it.');

    // After the school day of the session, the coach is asked to mark it done.
    const later = await h.advance(new Date('2026-11-25T14:00:00Z').getTime() - h.clock.now().getTime());
    const followUp = dmsTo(later, 'casey');
    expect(followUp.map((d) => [local(d.at), d.message.text])).toEqual([
      [
        '2026-11-24 15:30',
        `Your coaching session with Taylor Morgan (request #${id}, Classroom management) was planned for Tue 24 Nov 2026. Mark it done when it has happened.`,
      ],
    ]);
    expect(text(h.press('casey', followUp[0].message, 'Mark done'))).toContain(`Marked request #${id} done.`);
    const question = dmsTo(await h.deliver(), 'taylor')[0].message;
    expect(buttonsOf(question).map((b) => b.label)).toEqual(['Yes', 'Somewhat', 'Not really']);
    expect(text(h.press('taylor', question, 'Somewhat'))).toBe('Thank you. Your answer (Somewhat) goes to Casey Lee only.');
    expect(text(h.press('taylor', question, 'Yes'))).toBe('You already answered: Somewhat.');
    expect(dmsTo(await h.deliver(), 'casey').map((d) => d.message.text)).toEqual([
      `Was it helpful? Taylor Morgan answered "Somewhat" about request #${id} (Classroom management).\nOnly you see this answer.`,
    ]);
    // The teacher sees their own answer; the principal sees none of it.
    expect(text(h.coaching('taylor', 'status'))).toContain(`#${id} Classroom management — done`);
    expect(renderPlainText(h.coaching('taylor', 'status').messages[0])).toContain('your answer to "was it helpful?": Somewhat');
    const report = plain(h.demand('pat').messages[0]);
    expect(report).not.toMatch(/Somewhat|helpful|Taylor/);
    leadersGotNothing();
  });

  it('a question, the teacher’s reply from the button, then the coach answers again', async () => {
    const id = ask(h, 'jordan', 'differentiation', 'Two reading levels in one room');
    const toCasey = dmsTo(await h.deliver(), 'casey')[0].message;
    const askForm = formIn(h.press('casey', toCasey, 'Ask a question'));
    expect(askForm.inputs.map((i) => [i.id, i.required])).toEqual([['question', true]]);
    expect(text(h.submit('casey', askForm.formId, { question: 'Which grade, and which texts?' }).reply)).toBe(
      `Asked Jordan Kim about request #${id}. Their reply will come to you.`,
    );
    const q = dmsTo(await h.deliver(), 'jordan')[0].message;
    expect(q.text).toBe(`A question about your coaching request #${id} — open Touchpoint to read it.`);
    expect(renderPlainText(q)).toContain('Which grade, and which texts?');
    expect(text(h.coaching('jordan', 'status'))).toContain('in conversation with a coach');
    const replyForm = formIn(h.press('jordan', q, 'Reply'));
    expect(replyForm.formId).toBe(`coaching.reply:${id}`);
    expect(text(h.submit('jordan', replyForm.formId, { text: 'Grade 4, the novel study' }).reply)).toBe('Sent your reply to Casey Lee.');
    const back = dmsTo(await h.deliver(), 'casey')[0].message;
    expect(back.text).toBe(`A reply on coaching request #${id} — open Touchpoint to read it.`);
    expect(renderPlainText(back)).toContain('Grade 4, the novel study');
    // One reply per question.
    expect(text(h.press('jordan', q, 'Reply'))).toBe(`There is no question waiting for your reply on request #${id}.`);
    const accept = formIn(h.press('casey', back, 'Accept and propose a time'));
    h.submit('casey', accept.formId, { when: 'Wednesday planning period' });
    expect(renderPlainText(dmsTo(await h.deliver(), 'jordan')[0].message)).toContain('accepted your coaching request');
    leadersGotNothing();
  });

  it('decline kindly, with a referral note', async () => {
    const id = ask(h, 'taylor', 'technology', 'Smartboard keeps freezing');
    const toCasey = dmsTo(await h.deliver(), 'casey')[0].message;
    const form = formIn(h.press('casey', toCasey, 'Decline kindly'));
    expect(form.inputs).toEqual([expect.objectContaining({ id: 'note', required: false })]);
    expect(text(h.submit('casey', form.formId, { note: 'This is one for IT: ask Dana at the help desk.' }).reply)).toBe(
      `Declined request #${id}; Taylor Morgan has been told, kindly.`,
    );
    const declined = dmsTo(await h.deliver(), 'taylor')[0].message;
    expect(declined.text).toBe(`Your coach answered coaching request #${id} — open Touchpoint to read it.`);
    expect(renderPlainText(declined)).toContain(
      `Casey Lee can’t take on your coaching request #${id} (Technology) right now.\nThis is one for IT: ask Dana at the help desk.`,
    );
    expect(text(h.coaching('taylor', `withdraw ${id}`))).toBe(`Request #${id} is already declined.`);
    leadersGotNothing();
  });

  it('withdraw any time: the coach is told it was withdrawn, nothing more', async () => {
    const id = ask(h, 'taylor', 'engagement', 'Back row disengaged after recess');
    await h.deliver();
    expect(text(h.coaching('taylor', `withdraw #${id}`))).toBe(`Withdrew request #${id}. The coach has been told it was withdrawn, nothing more.`);
    const told = dmsTo(await h.deliver(), 'casey');
    expect(told.map((d) => plain(d.message))).toEqual([
      `Coaching request #${id} was withdrawn. Nothing more is needed from you.\nCoaching request #${id} was withdrawn. Nothing more is needed from you.`,
    ]);
    expect(text(h.coaching('casey', 'queue'))).toBe('Coaching queue — Demo Elementary: no open requests');
    // The nudge it had is gone too.
    expect(dmsTo(await h.advance(6 * 24 * HOUR), 'casey')).toEqual([]);
    leadersGotNothing();
  });
});

describe('the nudge after 2 school days', () => {
  it('a Thursday request nudges its coaches on Monday (the weekend is not school days); never a principal', async () => {
    const tenant = h.user('pat').tenantId;
    const robin = h.core.services.people.ensureUser(tenant, 'robin', h.clock.now(), 'Robin Diaz', 'robin');
    h.core.services.people.addMembership(tenant, 1, robin.id, 'coach', h.clock.now());
    const id = ask(h, 'taylor', 'curriculum', 'Pacing the new math units');
    await h.deliver();
    const dms = await h.advance(new Date('2026-11-24T15:00:00Z').getTime() - h.clock.now().getTime());
    const nudges = dms.filter((d) => d.message.blocks[0]?.type === 'header' && d.message.blocks[0].text === 'A coaching request is waiting');
    expect(nudges.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-11-23 10:00'],
      ['robin', '2026-11-23 10:00'],
    ]);
    expect(nudges[0].message.text).toBe(`Coaching request #${id} has waited 2 school days for an answer — open Touchpoint to read it.`);
    expect(renderPlainText(nudges[0].message)).toContain('Pacing the new math units');
    expect(buttonsOf(nudges[0].message).map((b) => b.label)).toEqual(['Accept and propose a time', 'Ask a question', 'Decline kindly']);
    expect(dms.filter((d) => d.to === 'pat' || d.to === 'alex')).toEqual([]);
    // Once only.
    expect((await h.advance(3 * 24 * HOUR)).filter((d) => d.message.text.includes('has waited'))).toEqual([]);
  });

  it('an answered request is not nudged; a closure day does not count', async () => {
    h.run('pat', 'closed 2026-11-20 Staff development day');
    const answered = ask(h, 'taylor', 'curriculum', 'Pacing');
    const waiting = ask(h, 'jordan', 'engagement', 'Group roles');
    await h.deliver();
    const accept = formIn(h.action('casey', 'coaching.ask', String(answered)));
    h.submit('casey', accept.formId, { question: 'Which unit?' });
    const dms = await h.advance(new Date('2026-11-25T15:00:00Z').getTime() - h.clock.now().getTime());
    const nudges = dms.filter((d) => d.message.text.includes('has waited 2 school days'));
    // Friday was closed: Monday is the first school day, Tuesday the second.
    expect(nudges.map((d) => [d.to, local(d.at), d.message.text.includes(`#${waiting} `)])).toEqual([['casey', '2026-11-24 10:00', true]]);
    leadersGotNothing();
  });
});

describe('office hours', () => {
  it('hours sets (replacing the set), shows and clears; only coaches have them', () => {
    expect(text(h.coaching('casey', 'hours'))).toBe('Your office hours: none set. Set them with /coaching hours tue 10:00-11:00, thu 13:00-13:45.');
    expect(text(h.coaching('casey', 'hours thu 13:00-13:45, tue 10:00-11:00'))).toBe('Office hours saved (America/New_York): Tue 10:00–11:00, Thu 13:00–13:45');
    expect(text(h.coaching('casey', 'hours wed 2pm-3pm'))).toBe('Office hours saved (America/New_York): Wed 14:00–15:00');
    expect(text(h.coaching('casey', 'hours'))).toBe('Your office hours (America/New_York): Wed 14:00–15:00');
    expect(text(h.coaching('casey', 'hours clear'))).toBe('Office hours cleared: none set. Set them with /coaching hours tue 10:00-11:00, thu 13:00-13:45.');
    const usage = '\nUsage: /coaching hours <slots>';
    expect(text(h.coaching('casey', 'hours sat 10:00-11:00'))).toBe(`"sat 10:00-11:00": office hours are on school days (mon to fri)${usage}`);
    expect(text(h.coaching('casey', 'hours tue 11:00-10:00'))).toBe(`"tue 11:00-10:00": the slot must end after it starts${usage}`);
    expect(text(h.coaching('casey', 'hours tue 10:00-11:00, tue 10:30-11:30'))).toBe(`"tue 10:30-11:30" overlaps Tue 10:00–11:00${usage}`);
    expect(text(h.coaching('casey', 'hours tue 10'))).toBe(`"tue 10" is not a slot (like tue 10:00-11:00)${usage}`);
    expect(text(h.coaching('casey', 'hours xyz 10:00-11:00'))).toBe(`"xyz" is not a weekday (use mon, tue, wed, thu, fri, sat or sun)${usage}`);
    expect(text(h.coaching('casey', 'hours tue 10:00-25:00'))).toBe(`"25:00" is not a time (use 14:00, 2pm or 2:30pm)${usage}`);
    expect(text(h.coaching('pat', 'hours tue 10:00-11:00'))).toBe('Only coaches have a coaching queue and office hours. Your own requests: /coaching status.');
    expect(text(h.coaching('taylor', 'queue'))).toBe('Only coaches have a coaching queue and office hours. Your own requests: /coaching status.');
  });
});

describe('queue, status and home', () => {
  it('the queue is oldest first; home shows a teacher their open requests and a coach the queue, and a principal nothing', () => {
    const first = ask(h, 'taylor', 'engagement', 'First thing');
    h.clock.set(new Date('2026-11-19T16:00:00Z'));
    const second = ask(h, 'jordan', 'assessment', 'Second thing');
    const queue = h.coaching('casey', 'queue').messages[0];
    const rendered = renderPlainText(queue);
    expect(rendered.indexOf(`#${first} · Student engagement — Taylor Morgan`)).toBeGreaterThan(-1);
    expect(rendered.indexOf(`#${first} `)).toBeLessThan(rendered.indexOf(`#${second} `));
    expect(rendered).toContain('Second thing');
    expect(renderPlainText(h.home('casey'))).toContain(`#${first} · Student engagement — Taylor Morgan — waiting for a coach`);
    const teacherHome = renderPlainText(h.home('taylor'));
    expect(teacherHome).toContain('Your coaching requests');
    expect(teacherHome).toContain(`#${first} · Student engagement — waiting for a coach`);
    expect(teacherHome).not.toContain('Second thing');
    expect(teacherHome).not.toContain(`#${second}`);
    for (const leader of ['pat', 'alex']) {
      const home = plain(h.home(leader));
      expect(home).not.toMatch(/coaching|Taylor|Jordan|First thing|Second thing/i);
    }
    const status = h.coaching('taylor', 'status').messages[0];
    expect(buttonsOf(status).map((b) => b.label)).toEqual([`Withdraw #${first}`]);
    expect(text(h.press('taylor', status, `Withdraw #${first}`))).toContain(`Withdrew request #${first}`);
  });
});
