import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import type { StaffRole } from '../platform/auth.js';
import {
  ConflictError,
  ForbiddenError,
  isUniqueViolation,
  NotFoundError,
  ValidationError,
} from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import type { Logger } from '../platform/logger.js';
import { auditPart, insertAudit } from '../platform/audit-repository.js';
import type { AgentCallRow, AgentCalls, AgentDesk } from '../routing/index.js';
import * as repo from './outcomes-repository.js';
import { outcomeSchemas, type OutcomePath } from './desk-schemas.js';

const kinds: Record<OutcomePath, repo.CallOutcomeRow['kind']> = {
  consultation: 'consultation',
  'completed-by-phone': 'completed_by_phone',
  booking: 'booking',
  other: 'other',
};

/** Call outcomes: what each answered call came to, recorded by the agent who answered it. */
export interface Outcomes {
  record(
    agentId: string,
    callSid: string,
    path: OutcomePath,
    body: unknown,
  ): Promise<repo.CallOutcomeRow>;
  /**
   * A call's outcomes for a member of staff: an agent reads those of calls they answered (a
   * transferred call too, once they answered it), a supervisor or admin every call's. Every read
   * is audited, a refused one (403) as well.
   */
  list(callSid: string, reader: { id: string; role: StaffRole }): Promise<repo.CallOutcomeRow[]>;
  /** Answered calls whose wrap-up ran out without an outcome. */
  lacking(limit?: number): Promise<AgentCallRow[]>;
}

export function createOutcomes(deps: {
  db: Database;
  catalogue: Catalogue;
  ledger: CallLedger;
  desk: AgentDesk;
  agentCalls: AgentCalls;
  clock: Clock;
  logger: Logger;
}): Outcomes {
  const { db, catalogue, ledger, desk, agentCalls, clock } = deps;
  const log = deps.logger.child({ component: 'outcomes' });
  return {
    async record(agentId, callSid, path, body) {
      const details = parseInput(outcomeSchemas[path], body, 'outcome') as Record<
        string,
        unknown
      > & { serviceId?: string; guideServiceId?: string };
      if (details.guideServiceId && !catalogue.service(details.guideServiceId)) {
        throw new ValidationError(`guideServiceId: no such service: ${details.guideServiceId}`, {
          fields: [{ field: 'guideServiceId', reason: 'no such service' }],
        });
      }
      const service = details.serviceId ? catalogue.service(details.serviceId)?.service : undefined;
      if (details.serviceId && !service) {
        throw new ValidationError(`serviceId: no such service: ${details.serviceId}`, {
          fields: [{ field: 'serviceId', reason: 'no such service' }],
        });
      }
      if (path === 'completed-by-phone' && service && !service.byPhone) {
        throw new ValidationError(`serviceId: ${service.name} cannot be completed by phone`, {
          fields: [{ field: 'serviceId', reason: 'not a service handled by phone' }],
        });
      }
      const kind = kinds[path];
      const at = clock.now();
      let row: repo.CallOutcomeRow | undefined;
      try {
        // One statement: the agent's call marked (which proves they answered it), the outcome,
        // its ledger event, its audit row and, when the agent is in wrap-up on this call, the
        // end of wrap-up (its time and log row) commit together.
        row = await desk.recordOutcomeWith(agentId, callSid, (wrapUp) =>
          repo.insertOutcomeWith(
            db,
            {
              callSid,
              agentId,
              kind,
              serviceId: details.serviceId ?? null,
              details,
              recordedAt: at,
            },
            agentCalls.outcomeRecordedPart(callSid, agentId, wrapUp?.at, wrapUp?.endedAt),
            (when) => [
              ledger.eventPart(
                callSid,
                {
                  source: 'agent',
                  event: 'outcome',
                  dedupeKey: `outcome:${agentId}`,
                  payload: { agentId, kind },
                },
                when,
              ),
              auditPart(
                {
                  actorId: agentId,
                  action: 'record-outcome',
                  subject: callSid,
                  detail: { kind },
                  at,
                },
                when,
              ),
              ...(wrapUp ? wrapUp.logRows(when) : []),
            ],
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ConflictError('an outcome is already recorded for this call', 'outcome_exists');
        throw error;
      }
      if (!row) throw new NotFoundError(`no call ${callSid} answered by ${agentId}`);
      log.info({ callSid, agentId, kind: row.kind }, 'call outcome recorded');
      return row;
    },
    async list(callSid, reader) {
      // Outcomes may hold a postal address and a mobile: each read by staff is audited, a refused one too.
      const allowed =
        reader.role !== 'agent' || (await agentCalls.find(callSid, reader.id)) !== undefined;
      await insertAudit(db, {
        actorId: reader.id,
        action: 'read-outcomes',
        subject: callSid,
        detail: allowed ? {} : { refused: 'not_your_call' },
        at: clock.now(),
      });
      if (!allowed) {
        log.warn(
          { callSid, agentId: reader.id },
          'outcomes read refused: not a call of this agent',
        );
        throw new ForbiddenError('只能查看本人接听（含转接给本人）的来电的办理结果');
      }
      return repo.listOutcomes(db, callSid);
    },
    lacking: (limit = 200) => agentCalls.lackingOutcome(limit),
  };
}
