import { Router } from 'express';
import { z } from 'zod';
import { requireStaff } from '../staff/index.js';
import { parseInput } from '../platform/http.js';
import { calendarDay } from '../platform/input-schemas.js';
import type { PhoneLedger, PhoneLedgerRow } from './phone-ledger-service.js';

const dayQuery = z.object({
  day: calendarDay,
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const callSidParam = z
  .string()
  .regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio call SID (CA + 32 hex digits)');

const view = (row: PhoneLedgerRow) => ({
  id: row.id,
  callSid: row.callSid,
  agentId: row.agentId,
  channel: row.channel,
  action: row.action,
  result: row.result,
  errorCode: row.errorCode,
  bookingId: row.bookingId,
  slotId: row.slotId,
  holdId: row.holdId,
  details: row.details,
  at: row.at.toISOString(),
});

/** The phone ledger for staff: a call's booking actions (agents), a day's (supervisors). */
export function createPhoneLedgerRoutes(ledger: PhoneLedger): Router {
  const router = Router();
  router.get('/phone-ledger/calls/:callSid', requireStaff('agent'), async (req, res) => {
    const callSid = parseInput(callSidParam, req.params.callSid, 'callSid');
    res.json((await ledger.forCall(callSid)).map(view));
  });
  router.get('/phone-ledger', requireStaff('supervisor'), async (req, res) => {
    const query = parseInput(dayQuery, req.query, 'query');
    const rows = await ledger.forDay(query.day, query.after, query.limit);
    res.json({
      day: query.day,
      entries: rows.map(view),
      next: rows.length === query.limit ? rows.at(-1)!.id : null,
    });
  });
  return router;
}
