import { z } from 'zod';
import type { JobDefinition } from '../platform/queues.js';
import { callSidSchema, statusCallbackSchema, type StatusCallback } from './calls-schemas.js';
import type { CallLedger } from './calls-contract.js';

declare module '../platform/queues.js' {
  interface JobPayloads {
    /** Summarize a call once its final status is in: end reason and stage durations. */
    'call-summary': { callSid: string };
    /** Periodic: summarize ended calls whose summary job was lost (e.g. Redis was down). */
    'call-summary-sweep': Record<string, never>;
    /** A status callback that could not be stored when it arrived (PostgreSQL down), without phone numbers. */
    'call-status': StatusCallback;
  }
}

/** The calls component's job processors; only the worker role starts them. */
export function createCallJobs(ledger: CallLedger): JobDefinition[] {
  const summary: JobDefinition<'call-summary'> = {
    name: 'call-summary',
    schema: z.object({ callSid: callSidSchema }),
    process: async ({ callSid }) => {
      const call = await ledger.summarize(callSid);
      return call?.endReason ?? null;
    },
  };
  const sweep: JobDefinition<'call-summary-sweep'> = {
    name: 'call-summary-sweep',
    schema: z.record(z.string(), z.never()),
    process: async () => ledger.sweepUnsummarized(),
    concurrency: 1,
  };
  const status: JobDefinition<'call-status'> = {
    name: 'call-status',
    schema: statusCallbackSchema,
    process: async (callback) => ledger.recordStatus(callback, { ...callback, replayed: true }),
  };
  return [summary, sweep, status];
}
