import { pgErrorCode } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { statusCallbackSchema, type StatusCallback } from './calls-schemas.js';
import type { CallLedger } from './calls-contract.js';

/** The status fields kept when a callback must wait in a job: no phone numbers. */
export function statusWithoutPersonalData(callback: StatusCallback): StatusCallback {
  return { ...callback, From: '', To: '' };
}

/** Twilio's status callback for every call (served under the signed /twilio/voice by the voice dispatcher). */
export function createCallRoutes(ledger: CallLedger, queues: Queues, logger: Logger): VoiceRoutes {
  const log = logger.child({ component: 'calls' });
  const router = createVoiceRoutes();
  router.post('/status', async (req, res) => {
    const parsed = statusCallbackSchema.safeParse(req.body);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
      log.warn({ problems }, 'unreadable status callback');
      res.status(400).type('text/plain').send(`Bad status callback: ${problems}`);
      return;
    }
    try {
      await ledger.recordStatus(parsed.data, req.body as Record<string, unknown>);
    } catch (error) {
      // A value PostgreSQL refuses (class 22, data exception) fails the same way on every retry.
      if (pgErrorCode(error)?.startsWith('22')) {
        log.warn(
          { callSid: parsed.data.CallSid, code: pgErrorCode(error) },
          'status callback refused: a value the ledger cannot store',
        );
        res.status(400).type('text/plain').send('Bad status callback: a value is out of range');
        return;
      }
      // PostgreSQL is unreachable: keep the event in a job and apply it when it is back.
      log.error(
        { callSid: parsed.data.CallSid, err: (error as Error).message },
        'status not stored; queued for a retry',
      );
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
