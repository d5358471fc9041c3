/**
 * Free text the repositories store names people by reference (src/core/person-refs.ts): encoded
 * on write against the members of the text's school, rendered on read to current names. Each
 * repository call makes its own lookup, so a rename is seen by the next call.
 */
import type { Db } from './db';
import { encodePersonRefs, hasPersonRefs, renderPersonRefs } from '../core/person-refs';
import { toUser, type Row } from './rows';
import type { Role, User } from '../core/model';
import { mayNameConcernedPerson } from '../core/policy';

export type RenderNullable = <T extends string | null>(text: T) => T;

/** A user lookup within one tenant, each id read once. */
function userLookup(db: Db, tenantId: number): (userId: number) => User | undefined {
  const seen = new Map<number, User | undefined>();
  return (userId) => {
    if (!seen.has(userId)) {
      const r = db.prepare('SELECT * FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, userId) as Row | undefined;
      seen.set(userId, r && toUser(r));
    }
    return seen.get(userId);
  };
}

/** A renderer for one repository call: tokens become the people's current names. */
export function renderer(db: Db, tenantId: number): RenderNullable {
  const userOf = userLookup(db, tenantId);
  return <T extends string | null>(text: T): T => (text === null || !hasPersonRefs(text) ? text : (renderPersonRefs(text, userOf) as T));
}

/**
 * For escalations: a renderer per school in which a person is named only while the policy lets an
 * escalation of that school name them (a live member, not erased or deactivated); anyone else reads
 * "a teacher", so an erasure reads the same as leaving the school.
 */
export function escalationRenderer(db: Db, tenantId: number): (schoolId: number) => RenderNullable {
  const userOf = userLookup(db, tenantId);
  const memberships = db.prepare('SELECT user_id, school_id, role FROM memberships WHERE user_id = ? AND school_id = ?');
  const bySchool = new Map<number, RenderNullable>();
  return (schoolId) => {
    let render = bySchool.get(schoolId);
    if (!render) {
      const named = (userId: number): User | undefined => {
        const user = userOf(userId);
        const held = (memberships.all(userId, schoolId) as Row[]).map((m) => ({
          userId: m.user_id as number,
          schoolId: m.school_id as number,
          role: m.role as Role,
        }));
        return mayNameConcernedPerson(user, held, schoolId) ? user : undefined;
      };
      render = <T extends string | null>(text: T): T => (text === null || !hasPersonRefs(text) ? text : (renderPersonRefs(text, named) as T));
      bySchool.set(schoolId, render);
    }
    return render;
  };
}

/** An encoder for one repository call: text as stored for the school, its members' names replaced by their tokens. */
export function schoolEncoder(db: Db, tenantId: number, schoolId: number): (text: string) => string {
  let members: User[] | undefined;
  const userOf = userLookup(db, tenantId);
  return (text) => {
    members ??= (
      db
        .prepare(`SELECT DISTINCT u.* FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.school_id = ? AND u.tenant_id = ?`)
        .all(schoolId, tenantId) as Row[]
    ).map(toUser);
    return encodePersonRefs(text, members, userOf);
  };
}

export function encodeForSchool<T extends string | null>(db: Db, tenantId: number, schoolId: number, text: T): T {
  return text === null ? text : (schoolEncoder(db, tenantId, schoolId)(text) as T);
}

/** The school of a partnership (within the tenant), for encoding its text. */
export function schoolOfPartnership(db: Db, tenantId: number, partnershipId: number): number | undefined {
  const r = db
    .prepare('SELECT p.school_id FROM partnerships p JOIN schools s ON s.id = p.school_id WHERE s.tenant_id = ? AND p.id = ?')
    .get(tenantId, partnershipId) as Row | undefined;
  return r?.school_id as number | undefined;
}

/** Encodes text of a partnership; unchanged when the partnership is not in the tenant (the caller refuses that). */
export function encodeForPartnership<T extends string | null>(db: Db, tenantId: number, partnershipId: number, text: T): T {
  const schoolId = schoolOfPartnership(db, tenantId, partnershipId);
  return schoolId === undefined ? text : encodeForSchool(db, tenantId, schoolId, text);
}
