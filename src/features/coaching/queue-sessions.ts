/**
 * Where each queued request's session time stands, for `/coaching queue`: a time the coach
 * proposed waits for the teacher; one the teacher suggested waits for the coach (with the buttons
 * to answer it); a confirmed one says so. The policy decides who may see a session and answer it.
 */
import type { RequestContext } from '../../core/context';
import { decide } from '../../core/policy';
import type { Block } from '../../messages/model';
import type { School } from '../../core/model';
import type { QueueEntry, SchoolQueue } from './service';
import { sessionFacts } from './sessions';
import { answerButtons, describeSession } from './session-messages';

/** A queued request's session as the coach reads it: one line, and the buttons when it waits for them. */
export interface SessionStanding {
  line: string;
  buttons?: Block;
}

export interface QueuedWithSession extends QueueEntry {
  session?: SessionStanding;
}
export interface QueueWithSessions {
  school: School;
  entries: QueuedWithSession[];
}

/** The queues with each accepted request's latest live session (proposed or confirmed) described. */
export function withSessions(ctx: RequestContext, queues: SchoolQueue[]): QueueWithSessions[] {
  const tenantId = ctx.actor.tenant.id;
  return queues.map(({ school, entries }) => ({
    school,
    entries: entries.map((entry): QueuedWithSession => {
      const { request, teacher } = entry;
      if (request.status !== 'accepted') return entry;
      const session = ctx.services.coaching.sessionsOfRequest(tenantId, request.id).find((s) => s.status === 'proposed' || s.status === 'confirmed');
      if (!session || !decide('coaching.session.see', ctx.actor, school, sessionFacts(request, session)).allowed) return entry;
      const when = describeSession(session, school.timeZone);
      if (session.status === 'confirmed') return { ...entry, session: { line: `session confirmed: ${when}` } };
      if (session.proposedBy !== request.teacherId) return { ...entry, session: { line: `proposed ${when}, waiting for the teacher` } };
      const answers = decide('coaching.session.answer', ctx.actor, school, sessionFacts(request, session)).allowed;
      return {
        ...entry,
        session: {
          line: `${teacher.displayName} suggested ${when}, waiting for ${answers ? 'you' : 'the coach'}`,
          ...(answers ? { buttons: answerButtons(session) } : {}),
        },
      };
    }),
  }));
}
