import type { PlayingRuntime } from './booking-player.js';
import type { HistoryCalendar } from './history-calendar.js';
import { addRows, type DayRows } from './history-rows.js';
import type { AgentLeg, CallScript } from './history-script.js';

/** The outcome API's paths and the kinds the ledger stores (outcomes-service.ts). */
const KINDS: Record<string, string> = {
  consultation: 'consultation',
  'completed-by-phone': 'completed_by_phone',
  booking: 'booking',
  other: 'other',
};

/** 0 ≤ x < 1 from a call SID, as call-player.ts draws a caller's 好差评 key. */
export function shareOf(callSid: string): number {
  let hash = 2166136261;
  for (const char of callSid) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return (hash >>> 0) / 2 ** 32;
}

/** The caller's 好差评 key after an answered call (call-player.ts `playEvaluation`). */
export function evaluationKey(callSid: string): string {
  const x = shareOf(callSid);
  return x < 0.12 ? '' : x < 0.68 ? '1' : x < 0.88 ? '2' : x < 0.98 ? '3' : x < 0.992 ? '4' : '5';
}

/** The outcome an agent records after booking on the phone; a week with no place ends as information given. */
export function bookingOutcome(
  booked: { id: string; code: string } | undefined,
  serviceId: string,
): NonNullable<AgentLeg['outcome']> {
  return booked
    ? { path: 'booking', body: { bookingId: booked.id, bookingCode: booked.code, serviceId } }
    : { path: 'other', body: { reason: 'information_only', note: '一周内没有可约的号' } };
}

/** Agents' state versions: each change of an agent's state is the next version (agent-state-service.ts). */
export type AgentVersions = Map<string, number>;

/** One agent state change, as the state log keeps it. */
export function stateChange(
  rows: DayRows,
  versions: AgentVersions,
  change: {
    agentId: string;
    from: string;
    to: string;
    reason: string | null;
    callSid: string | null;
    at: Date;
  },
): void {
  const version = (versions.get(change.agentId) ?? 0) + 1;
  versions.set(change.agentId, version);
  addRows(rows, 'agent_state_log', {
    agent_id: change.agentId,
    from_state: change.from,
    to_state: change.to,
    reason: change.reason,
    version,
    call_sid: change.callSid,
    at: change.at.toISOString(),
  });
}

const seconds = (from: Date, to: Date) =>
  Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/**
 * The rows one call leaves when played through the service (call-player.ts), for a call without
 * a callback (those few are played through the service): the ledger's call with its stages and
 * summary and its events, each agent's leg, state changes, outcome and its audit row, the
 * bookings made on it, and the 好差评 row. A 差评 is left offered: the service answers it
 * (opening its case) once the day is written. Returns whether the call awaits that answer.
 */
export function callRows(
  runtime: PlayingRuntime,
  rows: DayRows,
  calendar: HistoryCalendar,
  versions: AgentVersions,
  script: CallScript,
): { poor: boolean } {
  const { callSid } = script;
  const t0 = script.arrivedAt.getTime();
  const at = (s: number) => new Date(t0 + s * 1000);
  const hotline = runtime.catalogue.hotline(script.hotline);
  const event = (source: string, name: string, key: string, when: Date, payload = {}) =>
    addRows(rows, 'call_events', {
      call_sid: callSid,
      source,
      event: name,
      dedupe_key: key,
      sequence_number: null,
      occurred_at: when.toISOString(),
      payload,
    });
  event('ivr', 'arrived', 'arrived', at(0));
  let end = script.ivrSeconds;
  let queuedAt: Date | null = null;
  let answeredAt: Date | null = null;
  let agentId: string | null = null;
  let poor = false;
  if (script.ivr === 'self-served' && script.ivrBooking && hotline)
    calendar.book(
      rows,
      script.ivrBooking,
      { channel: 'ivr', id: callSid, label: `call:${callSid}` },
      at(Math.max(0, script.ivrSeconds - 20)),
      { callSid, hotlineNumber: hotline.number },
    );
  const queue = script.ivr === 'queue' ? script.queue : undefined;
  if (queue) {
    queuedAt = at(script.ivrSeconds);
    let t = script.ivrSeconds;
    const legs = queue.legs ?? [];
    for (const [index, leg] of legs.entries()) {
      t += leg.waitSeconds;
      const answered = at(t);
      answeredAt ??= answered;
      agentId = leg.agentId;
      const change = (from: string, to: string, when: Date, reason: string | null = null) =>
        stateChange(rows, versions, {
          agentId: leg.agentId,
          from,
          to,
          reason,
          callSid: to === 'available' ? null : callSid,
          at: when,
        });
      change('available', 'reserved', answered);
      change('reserved', 'on_call', answered);
      event('agent', 'answered', `answered:${leg.agentId}`, answered, { agentId: leg.agentId });
      let outcome = leg.outcome;
      if (leg.booking) {
        const booked = calendar.book(
          rows,
          leg.booking,
          { channel: 'phone', id: leg.agentId, label: `staff:${leg.agentId}` },
          at(t + Math.round(leg.talkSeconds / 2)),
          { callSid },
        );
        outcome = bookingOutcome(booked, leg.booking.serviceId);
      }
      t += leg.talkSeconds;
      const hungUp = at(t);
      change('on_call', 'wrap_up', hungUp);
      const last = index === legs.length - 1;
      if (last) poor = evaluationRows(runtime, rows, script, leg.agentId, queue.skill, hungUp);
      else
        event('agent', 'transferred', `transferred:${leg.agentId}:${hungUp.getTime()}`, hungUp, {
          agentId: leg.agentId,
          to: { department: queue.skill },
        });
      const recorded = at(t + leg.wrapUpSeconds);
      const kind = KINDS[outcome!.path]!;
      addRows(rows, 'agent_calls', {
        call_sid: callSid,
        agent_id: leg.agentId,
        skill: queue.skill,
        answered_at: answered.toISOString(),
        ended_at: hungUp.toISOString(),
        wrap_up_ended_at: recorded.toISOString(),
        outcome_status: 'recorded',
      });
      addRows(rows, 'call_outcomes', {
        call_sid: callSid,
        agent_id: leg.agentId,
        kind,
        service_id: (outcome!.body.serviceId as string | undefined) ?? null,
        details: outcome!.body,
        recorded_at: recorded.toISOString(),
      });
      event('agent', 'outcome', `outcome:${leg.agentId}`, recorded, { kind, agentId: leg.agentId });
      addRows(rows, 'audit_log', {
        actor_id: leg.agentId,
        action: 'record-outcome',
        subject: callSid,
        detail: { kind },
        at: recorded.toISOString(),
      });
      change('wrap_up', 'available', recorded, 'outcome-recorded');
      end = t;
    }
    if (legs.length === 0) end = script.ivrSeconds + (queue.leftAfterSeconds ?? 0);
  }
  const ended = at(end);
  const arrived = at(0);
  addRows(rows, 'call_events', {
    call_sid: callSid,
    source: 'status',
    event: 'completed',
    dedupe_key: 'status:9',
    sequence_number: 9,
    occurred_at: ended.toISOString(),
    payload: {},
  });
  const selfServed = script.ivr === 'self-served';
  addRows(rows, 'calls', {
    call_sid: callSid,
    direction: 'inbound',
    hotline_number: hotline?.number ?? null,
    hall_id: hotline?.hall ?? null,
    department_id: hotline?.department ?? null,
    from_number: script.from,
    to_number: script.hotline,
    status: 'completed',
    status_rank: 4,
    last_sequence_number: 9,
    arrived_at: arrived.toISOString(),
    queued_at: queuedAt?.toISOString() ?? null,
    answered_at: answeredAt?.toISOString() ?? null,
    ended_at: ended.toISOString(),
    queue_skill: queue?.skill ?? null,
    agent_id: agentId,
    self_served: selfServed,
    // classifyEnd (calls-summary.ts) and summarizeEnded's seconds, for the stages above.
    end_reason: answeredAt
      ? 'answered'
      : queuedAt
        ? 'abandoned_in_queue'
        : selfServed
          ? 'self_served'
          : 'abandoned_in_ivr',
    duration_seconds: end,
    ivr_seconds: seconds(arrived, queuedAt ?? ended),
    queue_seconds: queuedAt ? seconds(queuedAt, answeredAt ?? ended) : null,
    talk_seconds: answeredAt ? seconds(answeredAt, ended) : null,
    summarized_at: ended.toISOString(),
  });
  return { poor };
}

/**
 * The 好差评 row of an answered call on a hotline that asks for it (evaluation-service.ts
 * `afterAgentLeg`, then `answer` 12 s later). A 差评 stays offered: its answer opens a case,
 * which the service does. Returns whether it is one.
 */
function evaluationRows(
  runtime: PlayingRuntime,
  rows: DayRows,
  script: CallScript,
  agentId: string,
  department: string,
  offered: Date,
): boolean {
  const hotline = runtime.catalogue.hotline(script.hotline);
  const key = evaluationKey(script.callSid);
  const poor = key === '4' || key === '5';
  addRows(rows, 'evaluations', {
    call_sid: script.callSid,
    channel: 'agent',
    hotline_number: hotline?.number ?? null,
    hall_id: runtime.catalogue.department(department)?.hall.id ?? hotline?.hall ?? null,
    department_id: department,
    agent_id: agentId,
    offered_at: offered.toISOString(),
    result: poor ? 'offered' : key ? 'evaluated' : 'no_input',
    level: poor || !key ? null : Number(key),
    answered_at: poor ? null : new Date(offered.getTime() + 12_000).toISOString(),
  });
  return poor;
}
