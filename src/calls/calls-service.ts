import { maskPhone } from '../platform/logger.js';
import { createMicroBatcher } from '../platform/micro-batch.js';
import * as repo from './calls-repository.js';
import { sql, type SQL } from 'drizzle-orm';
import type { StatementPart } from '../platform/sql-parts.js';
import { listPath, pendingStageValues } from './calls-end-repository.js';
import { createPendingPath } from './calls-path.js';
import type {
  CallEvent,
  CallLedger,
  CallLedgerDeps,
  PathStep,
  StageEvent,
} from './calls-contract.js';
import { queuedCallOf } from './calls-routing.js';
import { createCallStatus } from './calls-status.js';
import { createCallSummaries } from './calls-summary.js';

export function createCallLedger({
  db,
  redis,
  redisPrefix,
  queues,
  clock,
  logger,
  hotlineOf = () => undefined,
}: CallLedgerDeps): CallLedger {
  const log = logger.child({ component: 'calls' });
  const pending = createPendingPath(redis, redisPrefix);
  // Arrivals (with the welcome's path steps) are the hottest writes: concurrent webhooks share one
  // statement (group commit), as do the path steps that come after a call's summary (see calls-path.ts).
  // One statement at a time: the rest wait and go together in the next. Measured against four at
  // a time (npm run bench -- incoming, two runs each): throughput 0.52-0.53 of the bare route's
  // against 0.43-0.50, p99 at 200 requests/s 8 ms against 17 ms. Fewer, larger statements
  // (24 calls each on average against 16) cost PostgreSQL less, and on a small machine fewer
  // busy backends compete with the web process for the cores.
  type Rebuildable = {
    arrival?: { call: repo.NewCall; payload: Record<string, unknown> };
    steps: Array<Omit<repo.NewCallStep, 'id'>>;
  };
  const rebuildable = createMicroBatcher(
    async (batch: Rebuildable[]) => {
      const arriving = batch.flatMap((item) => (item.arrival ? [item.arrival] : []));
      const unique = [...new Map(arriving.map((a) => [a.call.callSid, a])).values()];
      const created = await repo.insertRebuildable(db, {
        arrivals: unique,
        steps: batch.flatMap((item) => item.steps),
      });
      // Of two identical SIDs in one batch only the first counts as created.
      const seen = new Set<string>();
      return batch.map((item) => {
        if (!item.arrival) return false;
        const sid = item.arrival.call.callSid;
        const first = created.has(sid) && !seen.has(sid);
        seen.add(sid);
        return first;
      });
    },
    { maxConcurrent: 1 },
  );
  /**
   * Runs a write of the call with the stages still held in Redis (queued, offered; if any) as
   * more columns of its update, and forgets them once written (unless changed meanwhile).
   */
  async function withHeldStages<T>(
    callSid: string,
    write: (queued: Record<string, SQL>) => Promise<T>,
  ): Promise<T> {
    const stages = await pending.readStages(callSid);
    const result = await write(
      pendingStageValues(stages, (column) => sql`${sql.identifier(column)}`),
    );
    await pending.stagesWritten(callSid, stages);
    return result;
  }
  /** A stage set once (`repo.setStageOnce`), with the stages still held and `event` and `parts`. */
  const setStageWithHeld = (
    callSid: string,
    stage: repo.Stage,
    at: Date,
    extra: Partial<repo.NewCall>,
    event: StageEvent | undefined,
    parts: ReadonlyArray<StatementPart> | undefined,
  ) =>
    withHeldStages(
      callSid,
      async (queued) =>
        void (await repo.setStageOnce(
          db,
          callSid,
          stage,
          at,
          { ...queued, ...extra },
          event && eventRow(callSid, event),
          parts,
        )),
    );
  const eventRow = (callSid: string, event: StageEvent): repo.NewCallEvent => ({
    callSid,
    ...event,
    occurredAt: clock.now(),
  });
  return {
    async recordArrival({
      callSid,
      from,
      to,
      hotline,
      direction = 'inbound',
      payload,
      enterpriseId,
      steps = [],
    }) {
      const at = clock.now();
      const created = await rebuildable.add({
        arrival: {
          call: {
            callSid,
            direction,
            fromNumber: from,
            toNumber: to,
            hotlineNumber: hotline?.number ?? null,
            hallId: hotline?.hall ?? null,
            departmentId: hotline?.department ?? null,
            enterpriseId: enterpriseId ?? null,
            arrivedAt: at,
          },
          payload: payload ?? {},
        },
        steps: steps.map((step) => ({
          callSid,
          nodeId: step.nodeId,
          kind: step.kind,
          input: step.input,
          at,
        })),
      });
      if (created)
        log.info(
          { callSid, from: maskPhone(from), hotline: hotline?.number ?? to },
          'call arrived',
        );
      return created;
    },

    ...createCallStatus({ db, pending, queues, clock, log, hotlineOf }),

    async recordQueued(callSid, { skill, ...attributes }, at = clock.now(), event) {
      const row = await repo.setStageOnce(
        db,
        callSid,
        'queuedAt',
        at,
        { queueSkill: skill, ...attributes },
        event && eventRow(callSid, event),
      );
      return row && queuedCallOf(row);
    },

    async holdQueued(callSid, hotline, { skill, ...attributes }, event) {
      const stage = await pending.holdQueued(callSid, clock.now(), {
        queueSkill: skill,
        ...attributes,
      });
      if (!stage) return this.recordQueued(callSid, { skill, ...attributes }, undefined, event);
      if (event) await pending.hold(callSid, { ...event, occurredAt: clock.now() });
      return {
        callSid,
        hotline,
        skill,
        priority: attributes.priority ?? 0,
        priorityReason: attributes.priorityReason ?? null,
        greenChannel: attributes.greenChannel ?? false,
        preferredAgent: attributes.commissionerId ?? null,
        queuedAt: stage.at,
        queueSid: null,
      };
    },

    recordWaiting: (callSid, queueSid) =>
      withHeldStages(callSid, async (queued) => {
        const values = { ...queued, ...(queueSid ? { twilioQueueSid: queueSid } : {}) };
        if (Object.keys(values).length > 0) await repo.updateCall(db, callSid, values);
      }),
    async markOffered(callSid, { agentId, queueSid, event }) {
      const attributes = { agentId, ...(queueSid ? { twilioQueueSid: queueSid } : {}) };
      // Held until the answer (or the call's end): nothing reads it in PostgreSQL meanwhile. Both
      // go together (one round trip); on a closed path neither is held and both are written.
      const [held, eventHeld] = await Promise.all([
        pending.holdOffered(callSid, clock.now(), attributes),
        event && pending.hold(callSid, { ...event, occurredAt: clock.now() }),
      ]);
      if (!held)
        await setStageWithHeld(callSid, 'offeredAt', clock.now(), attributes, event, undefined);
      else if (event && !eventHeld)
        // The path closed in between (the call's summary): the event is written now.
        await repo.insertEventIfNew(db, eventRow(callSid, event));
    },

    markAnswered: (callSid, { agentId, skill, at = clock.now(), event, parts } = {}) =>
      setStageWithHeld(
        callSid,
        'answeredAt',
        at,
        { ...(agentId ? { agentId } : {}), ...(skill ? { queueSkill: skill } : {}) },
        event,
        parts,
      ),

    markEndedInIvr: async (callSid) =>
      void (await repo.setStageOnce(db, callSid, 'ivrEndedAt', clock.now(), {
        endReason: 'ended_in_ivr',
      })),
    markRejected: (callSid) => repo.updateCall(db, callSid, { endReason: 'rejected' }),
    markSelfServed: (callSid) => repo.updateCall(db, callSid, { selfServed: true }),
    markCallbackRequested: (callSid) => repo.updateCall(db, callSid, { callbackRequested: true }),
    markTraining: async (callSid) =>
      (await repo.updateCallReturning(db, callSid, { training: true })) !== undefined,

    recordStep(callSid, step) {
      return this.recordSteps(callSid, [
        { nodeId: step.nodeId, kind: step.kind, input: step.input ?? null },
      ]);
    },

    async recordSteps(callSid, steps) {
      if (steps.length === 0) return;
      const at = clock.now();
      const rows = steps.map((step) => ({
        nodeId: step.nodeId,
        kind: step.kind,
        input: step.input,
        at,
      }));
      // Kept in Redis until the call's summary writes them; written now once it has.
      if (await pending.push(callSid, rows)) return;
      await rebuildable.add({ steps: rows.map((row) => ({ callSid, ...row })) });
    },

    recordEvent: (callSid, source, event, dedupeKey, payload) =>
      repo.insertEventIfNew(db, eventRow(callSid, { source, event, dedupeKey, payload })),
    async keepEvent(callSid, source, event, dedupeKey, payload) {
      const held = { source, event, dedupeKey, payload, occurredAt: clock.now() };
      if (await pending.hold(callSid, held)) return;
      await repo.insertEventIfNew(db, { callSid, ...held });
    },
    eventPart: (callSid, event, when) => repo.eventPart(eventRow(callSid, event), when),

    ...createCallSummaries({ db, pending, clock, log }),

    async find(callSid) {
      // The stages still held in Redis are part of the call as its readers see it.
      const [row, { queued, offered }] = await Promise.all([
        repo.findCall(db, callSid),
        pending.readStages(callSid),
      ]);
      if (!row) return row;
      return {
        ...row,
        ...(offered && {
          ...offered.attributes,
          ...(row.agentId ? { agentId: row.agentId } : {}),
          offeredAt: row.offeredAt ?? offered.at,
        }),
        ...(queued && { ...queued.attributes, queuedAt: row.queuedAt ?? queued.at }),
      };
    },
    waitingCalls: (since) => repo.listWaitingCalls(db, since),
    async events(callSid) {
      // Redis first: once the summary has written the held events they are read from the database.
      const held = await pending.readEvents(callSid);
      const stored: CallEvent[] = await repo.listEvents(db, callSid);
      const keys = new Set(stored.map((event) => event.dedupeKey));
      for (const event of held) {
        if (keys.has(event.dedupeKey)) continue;
        keys.add(event.dedupeKey);
        stored.push({ callSid, sequenceNumber: null, ...event, payload: event.payload ?? {} });
      }
      return stored;
    },
    async steps(callSid) {
      // Redis first: once the summary has written the steps they are read from the database.
      const waiting = await pending.read(callSid);
      const { steps, summarized } = await listPath(db, callSid);
      const path: PathStep[] = steps.map(({ id: _id, ...step }) => step);
      return summarized
        ? path
        : [...path, ...waiting.map((step) => ({ callSid, ...step, input: step.input ?? null }))];
    },
  };
}
