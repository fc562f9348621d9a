import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { ConflictError, isUniqueViolation, NotFoundError, ValidationError } from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import type { Logger } from '../platform/logger.js';
import * as repo from './agents-repository.js';
import type { AgentDesk } from './agent-desk-service.js';
import { outcomeSchemas, type OutcomePath } from './agents-schemas.js';

const kinds: Record<OutcomePath, repo.CallOutcomeRow['kind']> = {
  consultation: 'consultation',
  'completed-by-phone': 'completed_by_phone',
  booking: 'booking',
  other: 'other',
};

/** Call outcomes: what each answered call came to, recorded by the agent who answered it. */
export interface Outcomes {
  record(agentId: string, callSid: string, path: OutcomePath, body: unknown): Promise<repo.CallOutcomeRow>;
  list(callSid: string, actorId: string): Promise<repo.CallOutcomeRow[]>;
  /** Answered calls whose wrap-up ran out without an outcome. */
  lacking(limit?: number): Promise<repo.AgentCallRow[]>;
}

export function createOutcomes(deps: { db: Database; catalogue: Catalogue; ledger: CallLedger; desk: AgentDesk; clock: Clock; logger: Logger }): Outcomes {
  const { db, catalogue, ledger, desk, clock } = deps;
  const log = deps.logger.child({ component: 'outcomes' });
  return {
    async record(agentId, callSid, path, body) {
      const details = parseInput(outcomeSchemas[path], body, 'outcome') as Record<string, unknown> & { serviceId?: string; guideServiceId?: string };
      if (details.guideServiceId && !catalogue.service(details.guideServiceId)) {
        throw new ValidationError(`guideServiceId: no such service: ${details.guideServiceId}`, { fields: [{ field: 'guideServiceId', reason: 'no such service' }] });
      }
      const service = details.serviceId ? catalogue.service(details.serviceId)?.service : undefined;
      if (details.serviceId && !service) {
        throw new ValidationError(`serviceId: no such service: ${details.serviceId}`, { fields: [{ field: 'serviceId', reason: 'no such service' }] });
      }
      if (path === 'completed-by-phone' && service && !service.byPhone) {
        throw new ValidationError(`serviceId: ${service.name} cannot be completed by phone`, { fields: [{ field: 'serviceId', reason: 'not a service handled by phone' }] });
      }
      const handled = await repo.findAgentCall(db, callSid, agentId);
      if (!handled) throw new NotFoundError(`no call ${callSid} answered by ${agentId}`);
      let row: repo.CallOutcomeRow;
      try {
        row = await db.transaction(async (tx) => {
          const inserted = await repo.insertOutcome(tx, { callSid, agentId, kind: kinds[path], serviceId: details.serviceId ?? null, details, recordedAt: clock.now() });
          await repo.updateAgentCall(tx, callSid, agentId, { outcomeStatus: 'recorded' });
          return inserted;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('an outcome is already recorded for this call', 'outcome_exists');
        throw error;
      }
      await ledger.recordEvent(callSid, 'agent', 'outcome', `outcome:${agentId}`, { agentId, kind: row.kind });
      await repo.insertAudit(db, { actorId: agentId, action: 'record-outcome', subject: callSid, detail: { kind: row.kind }, at: clock.now() });
      log.info({ callSid, agentId, kind: row.kind }, 'call outcome recorded');
      await desk.outcomeRecorded(agentId, callSid);
      return row;
    },
    async list(callSid, actorId) {
      // Outcomes may hold a postal address: each read by staff is audited.
      await repo.insertAudit(db, { actorId, action: 'read-outcomes', subject: callSid, detail: {}, at: clock.now() });
      return repo.listOutcomes(db, callSid);
    },
    lacking: (limit = 200) => repo.listCallsLackingOutcome(db, limit),
  };
}
