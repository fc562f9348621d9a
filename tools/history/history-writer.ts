import { DateTime } from 'luxon';
import { ZONE } from '../../src/platform/clock.js';
import { queryRows, sql, type Executor } from '../../src/platform/db.js';
import {
  cancelDay,
  fateOf,
  madeOn,
  type HistoryActors,
  type PlayingRuntime,
} from './booking-player.js';
import { followUp, playCall, playEvaluation } from './call-player.js';
import { HistoryCalendar } from './history-calendar.js';
import { callRows, evaluationKey, stateChange, type AgentVersions } from './history-call-rows.js';
import type { HistoryPlan } from './history-model.js';
import { played, type HistoryProgress } from './history-player.js';
import { addToCounters, insertRows, type DayRows } from './history-rows.js';
import type { CallScript } from './history-script.js';

/** Tables in the order a day's rows go in (bookings before what names them). */
const TABLES = [
  'calls',
  'call_events',
  'agent_calls',
  'agent_state_log',
  'call_outcomes',
  'audit_log',
  'evaluations',
  'booking_holds',
  'bookings',
  'booking_events',
  'phone_ledger',
];

/** Where a written day stands when the writer is stopped there (for the tests that kill it). */
export type WriterStage = 'uncommitted' | 'committed' | 'settled';

const hasCallback = (call: CallScript) => Boolean(call.queue?.callback);

/**
 * Writes a planned history day by day, the rows a played day leaves (call-player.ts,
 * booking-player.ts) computed in memory and inserted in a few statements per table, in one
 * transaction per day: the calls with their stages, events, summaries, agents' legs and state
 * changes, outcomes, 好差评 and the bookings made on every channel, the slots' counters, and the
 * evening's check-ins. What is rare or has rules of its own is then done through the service, as
 * the player does it: each 差评's answer (opening its case) and its follow-up, the few calls left
 * for a callback, the evening's cancellations and the no-show sweep. A day already written (its
 * calls are there) is only settled; a day cut short before its commit left nothing and is
 * written again. The history writer test holds its tables equal to the player's.
 */
export async function writeHistory(
  runtime: PlayingRuntime,
  plan: HistoryPlan,
  options: {
    seed: number;
    actors: HistoryActors;
    onProgress?: (progress: HistoryProgress & { stage: WriterStage }) => void | Promise<void>;
  },
): Promise<{ calls: number; bookings: number }> {
  const total = plan.days.reduce((n, d) => n + d.calls.length + d.bookings.length, 0);
  const codes = await HistoryCalendar.codesInUse(runtime);
  const versions = await agentVersions(runtime);
  let done = 0;
  for (const { day, calls, bookings } of plan.days) {
    const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE }).toJSDate();
    const report = (stage: WriterStage) => options.onProgress?.({ done, total, day, stage });
    if (!(await played(runtime, day, calls, bookings.length))) {
      if (!(await written(runtime, day, calls, bookings.length))) {
        runtime.clock.set(at('07:00'));
        await runtime.booking.capacity.releaseSlots();
        const calendar = await HistoryCalendar.load(runtime, day, codes);
        const rows: DayRows = new Map();
        const events = [
          ...bookings.map((booking) => ({ at: booking.at.getTime(), booking })),
          ...calls.map((call) => ({ at: call.arrivedAt.getTime(), call })),
        ].sort((a, b) => a.at - b.at);
        const shift = (from: string, to: string, when: Date) => {
          for (const agent of plan.agents)
            stateChange(rows, versions, {
              agentId: agent.id,
              from,
              to,
              reason: '',
              callSid: null,
              at: when,
            });
        };
        if (calls.length > 0) shift('offline', 'available', at('08:00'));
        for (const event of events) {
          if ('booking' in event && event.booking)
            calendar.book(
              rows,
              event.booking,
              options.actors.channel[event.booking.channel],
              event.booking.at,
            );
          else if ('call' in event && event.call && !hasCallback(event.call))
            callRows(runtime, rows, calendar, versions, event.call);
        }
        if (calls.length > 0) shift('available', 'offline', at('17:00'));
        await runtime.database.db.transaction(async (tx) => {
          for (const table of TABLES) await insertRows(tx, table, rows.get(table) ?? []);
          await addToCounters(
            tx,
            'booking_slots',
            ['booked', 'phone_booked', 'held', 'phone_held'],
            calendar.slotDeltas(),
          );
          await checkIn(tx, day, options);
          await report('uncommitted');
        });
      }
      await report('committed');
      await settle(runtime, day, calls, options);
    }
    done += calls.length + bookings.length;
    await report('settled');
  }
  return {
    calls: plan.days.reduce((n, d) => n + d.calls.length, 0),
    bookings: plan.days.reduce((n, d) => n + d.bookings.length, 0),
  };
}

/** A day's rows were committed: its first call without a callback is in the ledger, or (a day without calls) its bookings were made. */
async function written(
  runtime: PlayingRuntime,
  day: string,
  calls: CallScript[],
  bookings: number,
): Promise<boolean> {
  const first = calls.find((call) => !hasCallback(call));
  if (first) return Boolean(await runtime.ledger.find(first.callSid));
  return bookings === 0 || (await madeOn(runtime, day)) > 0;
}

/** What the service does after the day's rows: 差评 answered and followed up, callbacks, cancellations, the no-show sweep. Each step skips what is done. */
async function settle(
  runtime: PlayingRuntime,
  day: string,
  calls: CallScript[],
  options: { seed: number; actors: HistoryActors },
): Promise<void> {
  const waiting = new Set(
    (
      await queryRows<{ call_sid: string }>(
        runtime.database.db,
        sql`select call_sid from evaluations where result = 'offered' and offered_at >= ${DateTime.fromISO(day, { zone: ZONE }).toJSDate().toISOString()}::timestamptz`,
      )
    ).map((row) => row.call_sid),
  );
  for (const call of calls) {
    const key = evaluationKey(call.callSid);
    if (hasCallback(call) || (key !== '4' && key !== '5')) continue;
    const ended = new Date((await runtime.ledger.find(call.callSid))!.endedAt!.getTime());
    if (waiting.has(call.callSid))
      await playEvaluation(runtime, call.callSid, new Date(ended.getTime() + 12_000));
    await followUp(runtime, call.callSid, new Date(ended.getTime() + 4 * 3600_000));
  }
  for (const call of calls.filter(hasCallback))
    if (!(await runtime.ledger.find(call.callSid))?.summarizedAt) await playCall(runtime, call);
  await cancelDay(runtime, day, options.actors, options.seed);
  runtime.clock.set(DateTime.fromISO(`${day}T23:00`, { zone: ZONE }).toJSDate());
  while ((await runtime.booking.service.markNoShows()) > 0);
}

/** The evening's check-ins at the desk (booking-player.ts `closeDay`): the day's confirmed bookings but the no-shows, five minutes before their slot. */
async function checkIn(
  tx: Executor,
  day: string,
  options: { seed: number; actors: HistoryActors },
) {
  const due = await queryRows<{ id: string; phone: string; starts_at: string }>(
    tx,
    sql`select id, phone, starts_at from bookings where status = 'confirmed' and day = ${day}::date`,
  );
  const arriving = due
    .filter((row) => fateOf(options.seed, row.phone, new Date(row.starts_at)) !== 'no_show')
    .map((row) => ({
      id: row.id,
      at: new Date(new Date(row.starts_at).getTime() - 5 * 60_000).toISOString(),
    }));
  if (arriving.length === 0) return;
  const list = JSON.stringify(arriving);
  await tx.execute(
    sql`update bookings b set status = 'checked_in', checked_in_at = a.at
        from jsonb_to_recordset(${list}::jsonb) as a(id uuid, at timestamptz) where b.id = a.id`,
  );
  await tx.execute(
    sql`insert into booking_events (booking_id, event, actor, at, details)
        select a.id, 'checked_in', ${options.actors.desk.label}, a.at, '{}'::jsonb
        from jsonb_to_recordset(${list}::jsonb) as a(id uuid, at timestamptz)`,
  );
}

/** Each agent's last state version in the log: the next change is the next version. */
async function agentVersions(runtime: PlayingRuntime): Promise<AgentVersions> {
  const rows = await queryRows<{ agent_id: string; version: number }>(
    runtime.database.db,
    sql`select agent_id, max(version)::int as version from agent_state_log group by agent_id`,
  );
  return new Map(rows.map((row) => [row.agent_id, row.version]));
}
