/**
 * The life of a coaching request, declared in one place: for each step, who fires it, the statuses
 * it fits, the status it leaves, and the one line a person gets when it does not fit the request
 * as it stands. Handlers load a request through `requestFor(ctx, step, …)` and read the table.
 *
 *   draft ─send─► open ─ask─► in_progress (the teacher replies; the coach asks again or answers)
 *   open | in_progress ─accept─► accepted ─done─► done (the teacher says whether it helped)
 *   open | in_progress ─decline─► declined;  open | in_progress | accepted ─withdraw─► withdrawn
 *   A draft is made by `/coaching request` and may be shared, edited or discarded until it is sent.
 *
 * `/coaching forget-me` erases all of a teacher's requests, whatever their status (forget.ts).
 */
import type { RequestContext, Services } from '../../core/context';
import type { School } from '../../core/model';
import { Refusal } from '../../core/errors';
import { authorize, decide, type CoachingRequestFacts } from '../../core/policy';
import type { CoachingRequest, OutboxRow, RequestStatus } from '../../core/ports';
import { STATUS_LABELS } from './labels';

/**
 * Who fires a step: the teacher the request belongs to (rule `coaching.requester`), or a coach of
 * the school who may answer it (rule `coaching.answer`: not their own request, not one another
 * coach has taken up).
 */
export type Party = 'teacher' | 'coach';
const RULE_OF = { teacher: 'coaching.requester', coach: 'coaching.answer' } as const;

export interface Transition {
  by: Party;
  /** The statuses the step fits. */
  from: readonly RequestStatus[];
  /** The status it leaves the request in; null when the request goes (a discarded draft). */
  to: RequestStatus | null;
  /** What must hold besides the status. */
  also?: (ctx: RequestContext, r: CoachingRequest) => boolean;
  /** The line when the step does not fit the request as it stands. */
  refusal: (r: CoachingRequest) => string;
}

const alreadySent = (r: CoachingRequest): string => `Request #${r.id} was already sent: /coaching status shows where it stands.`;
const nothingToAnswer = (r: CoachingRequest): string => `Request #${r.id} is ${STATUS_LABELS[r.status]}: there is nothing to answer.`;

/** The teacher replies only when the coach's last word on the request is a question. */
const lastWordIsQuestion = (ctx: RequestContext, r: CoachingRequest): boolean =>
  ctx.services.coaching.messages(ctx.actor.tenant.id, r.id).at(-1)?.kind === 'question';

export const LIFECYCLE = {
  send: { by: 'teacher', from: ['draft'], to: 'open', refusal: alreadySent },
  share: { by: 'teacher', from: ['draft'], to: 'draft', refusal: alreadySent },
  edit: { by: 'teacher', from: ['draft'], to: 'draft', refusal: alreadySent },
  discard: { by: 'teacher', from: ['draft'], to: null, refusal: alreadySent },
  accept: { by: 'coach', from: ['open', 'in_progress'], to: 'accepted', refusal: nothingToAnswer },
  ask: { by: 'coach', from: ['open', 'in_progress'], to: 'in_progress', refusal: nothingToAnswer },
  decline: { by: 'coach', from: ['open', 'in_progress'], to: 'declined', refusal: nothingToAnswer },
  reply: {
    by: 'teacher',
    from: ['in_progress'],
    to: 'in_progress',
    also: lastWordIsQuestion,
    refusal: (r) => `There is no question waiting for your reply on request #${r.id}.`,
  },
  done: {
    by: 'coach',
    from: ['accepted'],
    to: 'done',
    also: (ctx, r) => r.coachId === ctx.actor.user.id,
    refusal: (r) => `Request #${r.id} is ${STATUS_LABELS[r.status]}: only an accepted request is marked done, by the coach who accepted it.`,
  },
  helpful: { by: 'teacher', from: ['done'], to: 'done', refusal: (r) => `Request #${r.id} is not done yet.` },
  withdraw: {
    by: 'teacher',
    from: ['open', 'in_progress', 'accepted'],
    to: 'withdrawn',
    refusal: (r) => (r.status === 'draft' ? `Request #${r.id} was never sent.` : `Request #${r.id} is already ${STATUS_LABELS[r.status]}.`),
  },
} as const satisfies Record<string, Transition>;

export type Step = keyof typeof LIFECYCLE;

/** Whether a step fits the request as it stands (who fires it is checked by `requestFor`). */
export function fits(ctx: RequestContext, step: Step, r: CoachingRequest): boolean {
  const t: Transition = LIFECYCLE[step];
  return t.from.includes(r.status) && (t.also?.(ctx, r) ?? true);
}

export const facts = (r: CoachingRequest): CoachingRequestFacts => ({
  schoolId: r.schoolId,
  teacherId: r.teacherId,
  shared: r.shared,
  status: r.status,
  coachId: r.coachId,
});

/** A request id as typed or carried by a button: `12` or `#12`. */
export function parseRequestId(value: string): number | undefined {
  const n = Number(value.trim().replace(/^#/, ''));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The request a command or button names, for a step: the actor must be the party that fires it,
 * then the step must fit. Whatever the reason the request cannot be seen (no such id, another
 * tenant, not yours), the answer is the same line, so a forged id learns nothing.
 */
export function requestFor(ctx: RequestContext, step: Step, value: string): { request: CoachingRequest; school: School } {
  const tenantId = ctx.actor.tenant.id;
  const id = parseRequestId(value);
  const request = id === undefined ? undefined : ctx.services.coaching.byId(tenantId, id);
  const school = request && ctx.services.people.schoolById(tenantId, request.schoolId);
  if (!request || !school) throw new Refusal('There is no such coaching request you can see.');
  authorize(RULE_OF[LIFECYCLE[step].by], ctx.actor, school, facts(request));
  if (!fits(ctx, step, request)) throw new Refusal(LIFECYCLE[step].refusal(request));
  return { request, school };
}

/**
 * A DM about a request (a new one, a teacher's reply) is sent only if its reader may still see the
 * request when it goes out: a coach removed while it waited gets nothing.
 */
export function readerMayStillSee(services: Services, row: OutboxRow, _now: Date): boolean {
  const id = Number(/^coaching:r(\d+):/.exec(row.dedupeKey)?.[1]);
  const request = Number.isInteger(id) ? services.coaching.byId(row.tenantId, id) : undefined;
  const reader = services.people.userById(row.tenantId, row.recipientId);
  const tenant = services.people.tenantById(row.tenantId);
  const school = request && services.people.schoolById(row.tenantId, request.schoolId);
  if (!request || !reader || !tenant || !school) return false;
  const actor = { user: reader, tenant, memberships: services.people.membershipsOf(row.tenantId, reader.id) };
  return decide('coaching.see', actor, school, facts(request)).allowed;
}
