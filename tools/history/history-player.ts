import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { ZONE } from '../../src/platform/clock.js';
import { queryRows, sql } from '../../src/platform/db.js';
import type { QueueName, Queues } from '../../src/platform/queues.js';
import {
  closeDay,
  confirmedOn,
  madeOn,
  playChannelBooking,
  type HistoryActors,
  type PlayingRuntime,
} from './booking-player.js';
import { playCall } from './call-player.js';
import type { HistoryAgent, HistoryPlan } from './history-model.js';

/**
 * The history's accounts exist to be routed to, not to log in with: each gets a random
 * password that is never shown (so its hash may be cheap: see demo-history.ts).
 */
const unusablePassword = () => randomBytes(24).toString('base64url');
const DESK_ACCOUNT = 'demo_hall_desk';

/**
 * Creates what the history acts as, when missing (a resumed run finds them): one account per
 * planned agent, the halls' reception desk, and an API key for the website, WeChat and the
 * walk-in desk.
 */
export async function prepareHistory(
  runtime: PlayingRuntime,
  plan: HistoryPlan,
): Promise<HistoryActors> {
  const accounts = runtime.staff;
  for (const agent of plan.agents) {
    if (!(await accounts.findUser(agent.id)))
      await accounts.createUser({
        username: agent.id,
        role: 'agent',
        skills: [agent.department],
        password: unusablePassword(),
      });
  }
  if (!(await accounts.findUser(DESK_ACCOUNT)))
    await accounts.createUser({
      username: DESK_ACCOUNT,
      role: 'supervisor',
      skills: [],
      password: unusablePassword(),
    });
  // The demo shows 好差评: every hotline asks callers to evaluate.
  for (const hotline of runtime.catalogue.hotlines)
    if (!(await runtime.evaluations.enabled(hotline.number)))
      await runtime.evaluations.setEnabled(hotline.number, true, DESK_ACCOUNT);
  const keys = await runtime.booking.apiKeys.list();
  const keyOf = async (channel: 'web' | 'wechat' | 'walk_in') => {
    const name = `demo-history-${channel}`;
    const id =
      keys.find((k) => k.name === name && !k.revokedAt)?.id ??
      (await runtime.booking.apiKeys.create(channel, name)).id;
    return { channel, id, label: `channel:${id}`, ownChannelOnly: true };
  };
  return {
    channel: {
      web: await keyOf('web'),
      wechat: await keyOf('wechat'),
      walk_in: await keyOf('walk_in'),
    },
    desk: { channel: 'walk_in', id: DESK_ACCOUNT, label: `staff:${DESK_ACCOUNT}` },
  };
}

/**
 * The job producer of a history: it keeps no job, only counts them. Every job a played call
 * produces is due in the past (wrap-up timers, escalations, summaries the player makes itself)
 * or must never happen (SMS to 2020's callers), so none goes to the worker's queues.
 */
export function historyQueues(): Queues & { counts: Map<QueueName, number> } {
  const counts = new Map<QueueName, number>();
  return {
    counts,
    add: async (name) => {
      counts.set(name, (counts.get(name) ?? 0) + 1);
    },
    remove: async () => false,
    get: (name) => {
      throw new Error(`the history keeps no ${name} jobs`);
    },
    close: async () => undefined,
  };
}

export interface HistoryProgress {
  done: number;
  total: number;
  day: string;
}

/**
 * Plays a planned history day by day. Lanes are runtimes of their own (each with its own
 * fixed clock) that play disjoint departments at the same time: a department's calls, the
 * bookings of its services and its agents' shifts are played in time order in one lane. Each
 * day the slots are released in the morning, and in the evening citizens are checked in,
 * cancellations made and, once every lane has finished the day, no-shows marked. Days already
 * played (their last call summarized and their bookings settled) are skipped, so a run that
 * stopped can be started again with the same seed.
 */
export async function playHistory(
  lanes: PlayingRuntime[],
  plan: HistoryPlan,
  options: {
    seed: number;
    actors: HistoryActors;
    /** After each call or booking played or found played, and after each day; awaited. */
    onProgress?: (progress: HistoryProgress) => void | Promise<void>;
  },
): Promise<{ calls: number; bookings: number }> {
  const [main] = lanes as [PlayingRuntime, ...PlayingRuntime[]];
  const { catalogue } = main;
  const departments = [
    ...new Set([
      ...plan.agents.map((a) => a.department),
      ...catalogue.halls.flatMap((h) => h.departments.map((d) => d.id)),
    ]),
  ];
  const laneOf = new Map(departments.map((d, i) => [d, i % lanes.length]));
  const serviceLane = (serviceId: string) =>
    laneOf.get(catalogue.service(serviceId)?.department.id ?? '') ?? 0;
  const total = plan.days.reduce((n, d) => n + d.calls.length + d.bookings.length, 0);
  let done = 0;
  let bookings = 0;
  const report = async (day: string) => options.onProgress?.({ done, total, day });
  for (const { day, calls, bookings: channelBookings } of plan.days) {
    const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: ZONE }).toJSDate();
    if (await played(main, day, calls, channelBookings.length)) {
      done += calls.length + channelBookings.length;
      await report(day);
      continue;
    }
    // A day cut short is played again: its calls already summarized are skipped.
    const summarized = await summarizedOn(main, day);
    main.clock.set(at('07:00'));
    await main.booking.capacity.releaseSlots();
    await Promise.all(
      lanes.map(async (lane, i) => {
        const agents = plan.agents.filter((a) => laneOf.get(a.department) === i);
        const laneCalls = calls.filter(
          (c) => laneOf.get(catalogue.hotline(c.hotline)?.department ?? '') === i,
        );
        const events = [
          ...channelBookings.flatMap((booking, n) =>
            serviceLane(booking.serviceId) === i
              ? [
                  {
                    at: booking.at.getTime(),
                    play: () =>
                      playChannelBooking(
                        lane,
                        booking,
                        options.actors,
                        `history-${options.seed}-${day}-${n}`,
                      ),
                  },
                ]
              : [],
          ),
          ...laneCalls.map((call) => ({
            at: call.arrivedAt.getTime(),
            play: async () => {
              if (!summarized.has(call.callSid)) await playCall(lane, call);
            },
          })),
        ].sort((a, b) => a.at - b.at);
        const shiftStart = at('08:00').getTime();
        let onShift = false;
        for (const event of events) {
          if (!onShift && laneCalls.length > 0 && event.at >= shiftStart) {
            await shift(lane, agents, at('08:00'), 'available');
            onShift = true;
          }
          await event.play();
          done += 1;
          await report(day);
        }
        if (onShift) await shift(lane, agents, at('17:00'), 'offline');
        const services = new Set(
          catalogue.halls.flatMap((h) =>
            h.departments
              .filter((d) => laneOf.get(d.id) === i)
              .flatMap((d) => d.services.map((s) => s.id)),
          ),
        );
        await closeDay(lane, day, services, options.actors, options.seed);
      }),
    );
    // After every lane's check-ins: the sweep marks who did not come, across all halls.
    main.clock.set(at('23:00'));
    while ((await main.booking.service.markNoShows()) > 0);
    bookings += channelBookings.length;
    await report(day);
  }
  return { calls: plan.days.reduce((n, d) => n + d.calls.length, 0), bookings };
}

/**
 * The calls of a day already summarized (by the history's clock, which sets their arrival), in
 * one read: a call is played once, a resumed day skips them.
 */
async function summarizedOn(runtime: PlayingRuntime, day: string): Promise<Set<string>> {
  const start = DateTime.fromISO(day, { zone: ZONE });
  const rows = await queryRows<{ call_sid: string }>(
    runtime.database.db,
    sql`select call_sid from calls where summarized_at is not null and arrived_at >= ${start.toJSDate().toISOString()}::timestamptz and arrived_at < ${start.plus({ days: 1 }).toJSDate().toISOString()}::timestamptz`,
  );
  return new Set(rows.map((row) => row.call_sid));
}

/**
 * A day was played when its last call is summarized (or it had none and its bookings were
 * made) and none of its bookings still waits to be checked in or marked. A day cut short is
 * played again: calls already summarized are skipped, bookings replayed by their Idempotency-Key.
 */
export async function played(
  runtime: PlayingRuntime,
  day: string,
  calls: Array<{ callSid: string }>,
  bookings: number,
): Promise<boolean> {
  const last = calls.at(-1);
  const callsDone = last
    ? Boolean((await runtime.ledger.find(last.callSid))?.summarizedAt)
    : bookings === 0 || (await madeOn(runtime, day)) > 0;
  return callsDone && (await confirmedOn(runtime, day)) === 0;
}

/** Agents log in at 08:00 and out at 17:00 (Beijing time); whatever state a crash left them in is reset first. */
async function shift(
  lane: PlayingRuntime,
  agents: HistoryAgent[],
  at: Date,
  to: 'available' | 'offline',
): Promise<void> {
  lane.clock.set(at);
  for (const agent of agents) {
    if (to === 'available' && (await lane.routing.store.agent(agent.id)).state !== 'offline')
      await lane.routing.states.transition({
        agentId: agent.id,
        to: 'offline',
        reason: 'demo-reset',
        callSid: '',
      });
    await lane.routing.presence.setState(agent.id, to);
  }
}
