import { Router } from 'express';
import { pgErrorCode } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import { statusCallbackSchema, type StatusCallback } from './calls-schemas.js';
import type { CallLedger } from './calls-service.js';

/** The status fields kept when a callback must wait in a job: no phone numbers. */
export function statusWithoutPersonalData(callback: StatusCallback): StatusCallback {
  return { ...callback, From: '', To: '' };
}

/** Statuses after which the caller is no longer on the line. */
const ENDED = new Set<StatusCallback['CallStatus']>(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/**
 * Twilio's status callback for every call (mounted under the signed /twilio/voice router).
 * `callEnded` hears of each call that ended, once its status is stored (a provider without queues
 * sends no Enqueue action when a waiting caller hangs up).
 */
export function createCallRoutes(ledger: CallLedger, queues: Queues, logger: Logger, options: { callEnded?: (callSid: string) => Promise<void> } = {}): Router {
  const log = logger.child({ component: 'calls' });
  const router = Router();
  router.post('/status', async (req, res) => {
    const parsed = statusCallbackSchema.safeParse(req.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      log.warn({ problems }, 'unreadable status callback');
      res.status(400).type('text/plain').send(`Bad status callback: ${problems}`);
      return;
    }
    try {
      await ledger.recordStatus(parsed.data, req.body as Record<string, unknown>);
      if (options.callEnded && ENDED.has(parsed.data.CallStatus)) {
        await options.callEnded(parsed.data.CallSid).catch((error: unknown) => log.error({ callSid: parsed.data.CallSid, err: (error as Error).message }, 'could not tell routing the call ended'));
      }
    } catch (error) {
      // A value PostgreSQL refuses (class 22, data exception) fails the same way on every retry.
      if (pgErrorCode(error)?.startsWith('22')) {
        log.warn({ callSid: parsed.data.CallSid, code: pgErrorCode(error) }, 'status callback refused: a value the ledger cannot store');
        res.status(400).type('text/plain').send('Bad status callback: a value is out of range');
        return;
      }
      // PostgreSQL is unreachable: keep the event in a job and apply it when it is back.
      log.error({ callSid: parsed.data.CallSid, err: (error as Error).message }, 'status not stored; queued for a retry');
      await queues.add('call-status', statusWithoutPersonalData(parsed.data), {
        jobId: `call-status-${parsed.data.CallSid}-${parsed.data.SequenceNumber ?? parsed.data.CallStatus}`,
        attempts: 20,
        backoff: { type: 'exponential', delay: 5000 },
      });
    }
    res.status(204).end();
  });
  return router;
}
