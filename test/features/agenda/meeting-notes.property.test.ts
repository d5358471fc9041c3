/**
 * Private meeting notes as a property: random sequences of notes (shared or private, typed, from
 * the Held form or the add form), edits, forged buttons and forms, clock moves and looks (history,
 * notes, App Home, agenda, actions, report, the export, calendar feeds) by the members of two
 * partnerships, a teacher, an assistant principal and an admin. Whatever happens:
 *  - nothing shown to anyone but its author (replies, DMs, home, exports) ever contains a private
 *    note's words, and no calendar feed does — not even the author's own;
 *  - a shared note's words reach no one outside its partnership.
 */
import fc from 'fast-check';
import type { Reply } from '../../../src/core/context';
import type { Actor } from '../../../src/core/model';
import { formOf } from '../../../src/messages/model';
import { buildFeed } from '../../../src/features/calendar/feed';
import { buildExport } from '../../../src/features/operations/commands';
import { bookAccepted, createHarness, inbound, seedSchool, type Harness, type SentDm } from '../../support/harness';
import { shown } from './notes-support';

interface Person {
  handle: string;
  name: string;
  school: 'North' | 'South';
  role: 'principal' | 'assistant_principal' | 'coach' | 'teacher' | 'admin';
  /** The partnership they are a member of, if any. */
  pair?: 'N' | 'S';
}
const PEOPLE: Person[] = [
  { handle: 'pat', name: 'Pat Quorvel', school: 'North', role: 'principal', pair: 'N' },
  { handle: 'casey', name: 'Casey Vambrick', school: 'North', role: 'coach', pair: 'N' },
  { handle: 'ari', name: 'Ari Strunzel', school: 'North', role: 'assistant_principal' },
  { handle: 'taylor', name: 'Taylor Wexholt', school: 'North', role: 'teacher' },
  { handle: 'root', name: 'Rory Admund', school: 'North', role: 'admin' },
  { handle: 'sam', name: 'Sam Oxblade', school: 'South', role: 'principal', pair: 'S' },
  { handle: 'cam', name: 'Cam Dunmoth', school: 'South', role: 'coach', pair: 'S' },
];
const MEMBERS = PEOPLE.filter((p) => p.pair);
const byHandle = new Map(PEOPLE.map((p) => [p.handle, p]));

interface WrittenNote {
  token: string;
  author: Person;
  visibility: 'shared' | 'private';
}

type Op =
  | { kind: 'write'; author: number; visibility: 'shared' | 'private'; via: 'command' | 'held' | 'form'; token: string }
  | { kind: 'edit'; author: number; pick: number; token: string }
  | { kind: 'look'; person: number; what: 'history' | 'notes show' | 'home' | 'agenda' | 'actions' | 'report' | 'export' | 'feed' }
  | { kind: 'forge'; person: number; pick: number }
  | { kind: 'advance'; hours: number };

const token = fc.stringMatching(/^[A-Z]{6}[0-9]{3}$/);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      author: fc.nat({ max: MEMBERS.length - 1 }),
      visibility: fc.constantFrom('shared' as const, 'private' as const),
      via: fc.constantFrom('command' as const, 'held' as const, 'form' as const),
      token,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), author: fc.nat({ max: MEMBERS.length - 1 }), pick: fc.nat({ max: 30 }), token }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('look' as const),
      person: fc.nat({ max: PEOPLE.length - 1 }),
      what: fc.constantFrom(
        'history' as const,
        'notes show' as const,
        'home' as const,
        'agenda' as const,
        'actions' as const,
        'report' as const,
        'export' as const,
        'feed' as const,
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('forge' as const), person: fc.nat({ max: PEOPLE.length - 1 }), pick: fc.nat({ max: 30 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 80 }) }) },
);

class World {
  readonly notes: WrittenNote[] = [];
  private readonly tenantId: number;

  constructor(readonly h: Harness) {
    for (const school of ['North', 'South'] as const) {
      seedSchool(h, {
        name: `${school} School`,
        members: PEOPLE.filter((p) => p.school === school).map((p): [string, string, Person['role']] => [p.handle, p.name, p.role]),
      });
    }
    bookAccepted(h, 'book @casey weekly tue 14:00', 'pat', 'casey');
    bookAccepted(h, 'book @cam weekly tue 14:00', 'sam', 'cam');
    this.tenantId = h.user('pat').tenantId;
  }

  actor(p: Person): Actor {
    const user = this.h.user(p.handle);
    return {
      user,
      tenant: this.h.core.services.people.tenantById(this.tenantId)!,
      memberships: this.h.core.services.people.membershipsOf(this.tenantId, user.id),
    };
  }

  /** Checks one output shown to a person (or put in a feed, `feed`); throws with the leak when there is one. */
  check(to: Person, output: string, where: string, feed = false): void {
    for (const n of this.notes) {
      const mayRead = n.visibility === 'private' ? !feed && n.author === to : to.pair === n.author.pair;
      if (!mayRead && output.includes(n.token)) throw new Error(`${where}: ${to.handle} saw ${n.visibility} "${n.token}" of ${n.author.handle}:\n${output}`);
    }
  }

  reply(to: Person, r: Reply, where: string): Reply {
    for (const m of r.messages) this.check(to, shown(m), where);
    return r;
  }

  dms(dms: SentDm[], where: string): void {
    for (const d of dms) this.check(byHandle.get(d.to)!, shown(d.message), `DM after ${where}`);
  }

  /** The last meeting of the author's partnership that has begun, if any. */
  private lastMeeting(p: Person): number | undefined {
    const user = this.h.user(p.handle);
    const series = this.h.core.services.series.liveSeriesOfUser(this.tenantId, user.id)[0];
    return this.h.core.services.meetingNotes.meetingsBefore(this.tenantId, series.partnershipId, this.h.clock.now(), 1)[0]?.id;
  }

  async run(op: Op): Promise<void> {
    const { h } = this;
    const where = JSON.stringify(op);
    const submit = (p: Person, formId: string, values: Record<string, string>): Reply =>
      this.reply(p, h.core.app.submitForm(inbound(p.handle), formId, values).reply, where);
    const action = (p: Person, actionId: string, value: string): Reply => this.reply(p, h.core.app.action(inbound(p.handle), actionId, value), where);
    switch (op.kind) {
      case 'write': {
        const p = MEMBERS[op.author];
        const t = `NOTE${op.token}${this.notes.length}`;
        // Recorded before it is written: whatever the reply says, the words must reach no one else.
        this.notes.push({ token: t, author: p, visibility: op.visibility });
        const last = this.lastMeeting(p);
        if (op.via === 'command' || last === undefined) this.reply(p, h.run(p.handle, `notes add ${op.visibility} ${t}`), where);
        else if (op.via === 'form') {
          const form = action(p, 'meeting.note.add', String(last))
            .messages.map(formOf)
            .find((f) => f);
          if (form) submit(p, form.formId, { visibility: op.visibility, text: t });
        } else {
          const first = action(p, 'meeting.held', String(last))
            .messages.map(formOf)
            .find((f) => f);
          if (first) submit(p, first.formId, { [`${op.visibility}_notes`]: t });
        }
        break;
      }
      case 'edit': {
        const p = MEMBERS[op.author];
        const t = `EDIT${op.token}${this.notes.length}`;
        const id = (op.pick % Math.max(1, this.notes.length)) + 1;
        // The new words keep the note's visibility; if the note is not theirs, the edit is refused and the words go nowhere.
        const target = this.h.core.services.meetingNotes.noteById(this.tenantId, id);
        this.notes.push({ token: t, author: p, visibility: target?.visibility ?? 'private' });
        this.reply(p, h.run(p.handle, `notes edit #${id} ${t}`), where);
        break;
      }
      case 'look': {
        const p = PEOPLE[op.person];
        if (op.what === 'home') this.check(p, shown(h.core.app.home(inbound(p.handle))), where);
        else if (op.what === 'export') {
          const school = h.core.services.people.schoolsOfTenant(this.tenantId).find((s) => s.name === `${p.school} School`)!;
          let exported = '';
          try {
            exported = JSON.stringify(buildExport(h.core.registry, h.core.services, this.actor(p), school, h.clock.now()));
          } catch {
            exported = ''; // not theirs to export
          }
          // An export leaves the bot: no note of any kind, private or shared, goes into it.
          for (const n of this.notes) if (exported.includes(n.token)) throw new Error(`${where}: the export for ${p.handle} holds "${n.token}"`);
        } else if (op.what === 'feed') this.check(p, buildFeed(h.core.services, this.actor(p), h.clock.now()).replace(/\r\n[ \t]/g, ''), where, true);
        else this.reply(p, h.run(p.handle, op.what), where);
        break;
      }
      case 'forge': {
        const p = PEOPLE[op.person];
        const id = String(op.pick + 1);
        for (const actionId of ['meeting.notes.show', 'meeting.note.edit', 'meeting.note.remove', 'meeting.note.add']) {
          if (actionId === 'meeting.note.remove' && p.pair) continue; // a member's own removal is not a leak, and keeps the model simple
          action(p, actionId, id);
        }
        submit(p, `meeting-notes.edit:${id}`, { text: 'FORGED' });
        break;
      }
      case 'advance':
        this.dms(await h.advance(op.hours * 3_600_000), where);
        return;
    }
    this.dms(await h.deliver(), where);
  }
}

describe('private meeting notes, as a property', () => {
  it('no one but the author ever sees a private note, no feed or export carries one, and shared notes stay in their partnership', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
        try {
          const world = new World(h);
          for (const op of ops) await world.run(op);
          // At the end, everyone's history, notes, home and feed once more.
          for (const p of PEOPLE) {
            world.reply(p, h.run(p.handle, 'history 20'), 'final history');
            world.check(p, shown(h.core.app.home(inbound(p.handle))), 'final home');
            world.check(p, buildFeed(h.core.services, world.actor(p), h.clock.now()).replace(/\r\n[ \t]/g, ''), 'final feed', true);
          }
        } finally {
          h.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
