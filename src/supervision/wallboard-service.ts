import { DateTime } from 'luxon';
import { queueName, type Catalogue } from '../catalogue/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import {
  CALLBACK_MEMBER,
  type AgentCalls,
  type CallHolds,
  type RoutingRepository,
} from '../routing/index.js';
import type { Accounts } from '../staff/index.js';
import * as supervisorRepo from './supervision-repository.js';
import { wallboardAlerts, type AlertThresholds } from './wallboard-alerts.js';
import { levelColour, ratio, totalsOf, wallboardAgent } from './wallboard-figures.js';
import type { Wallboard, WallboardAgent, WallboardQueue } from './wallboard-types.js';

export interface WallboardDeps {
  /** Staff accounts: agents' display names. */
  staff: Accounts;
  db: Database;
  store: RoutingRepository;
  holds: Pick<CallHolds, 'heldBy'>;
  agentCalls: Pick<AgentCalls, 'lackingOutcome'>;
  catalogue: Catalogue;
  clock: Clock;
  settings: { serviceLevelSeconds: number; shortAbandonSeconds: number; serviceLevelGoal: number };
  /** WALLBOARD_ALERT_* */
  alertThresholds: AlertThresholds;
}

/** What the supervisors' wallboard shows: queues (busiest first), agents, and calls left without an outcome. */
export function createWallboard(deps: WallboardDeps): { read(): Promise<Wallboard> } {
  const { db, store, catalogue, clock, settings } = deps;
  const onHold = async (agent: { agentId: string; state: string; callSid: string }) =>
    agent.state === 'on_call' &&
    Boolean(agent.callSid) &&
    (await deps.holds.heldBy(agent.callSid, agent.agentId));
  return {
    async read() {
      const now = clock.now();
      const start = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
      const [from, to] = [start.toJSDate(), start.plus({ days: 1 }).toJSDate()];
      const skills = catalogue.halls.flatMap((hall) => hall.departments.map((d) => d.id));
      const [today, held, staff, agentIds, callsToday, lacking] = await Promise.all([
        supervisorRepo.countQueuesToday(
          db,
          from,
          to,
          settings.serviceLevelSeconds,
          settings.shortAbandonSeconds,
        ),
        store.heldCalls(),
        deps.staff.listAll(),
        store.agentIds(),
        supervisorRepo.countAgentCallsToday(db, from, to),
        deps.agentCalls.lackingOutcome(200),
      ]);
      const todayBySkill = new Map(today.map((row) => [row.queue_skill, row]));
      const waitingBySkill = new Map<string, string[]>();
      await Promise.all(
        skills.map(async (skill) => {
          const waiting = (await store.waiting(skill)).filter(
            (sid) => !sid.startsWith(CALLBACK_MEMBER),
          );
          waitingBySkill.set(skill, [
            ...waiting,
            ...held.filter((call) => call.skills.includes(skill)).map((call) => call.callSid),
          ]);
        }),
      );
      const snapshots = await Promise.all(agentIds.map((id) => store.agent(id)));
      const queuedAt = await supervisorRepo.queuedTimes(db, [
        ...new Set([...waitingBySkill.values()].flat()),
      ]);
      const queues = await Promise.all(
        skills.map(async (skill): Promise<WallboardQueue> => {
          const waiting = waitingBySkill.get(skill) ?? [];
          const oldest = Math.min(
            ...waiting.map((sid) => queuedAt.get(sid)?.getTime() ?? now.getTime()),
          );
          const row = todayBySkill.get(skill);
          const answered = row?.answered ?? 0;
          const abandoned = row?.abandoned ?? 0;
          const level = ratio(row?.answered_in_target ?? 0, answered + abandoned);
          const offered = row?.offered ?? 0;
          const staffed = snapshots.filter(
            (agent) => agent.state !== 'offline' && agent.skills.includes(skill),
          ).length;
          return {
            skill,
            name: queueName(catalogue, skill),
            waiting: waiting.length,
            longestWaitSeconds:
              waiting.length > 0 ? Math.max(0, Math.round((now.getTime() - oldest) / 1000)) : 0,
            offeredToday: offered,
            answeredToday: answered,
            abandonedToday: abandoned,
            abandonRate: ratio(abandoned, answered + abandoned),
            serviceLevel: level,
            colour: levelColour(level, settings.serviceLevelGoal),
            asaSeconds:
              answered > 0 ? Math.round((row?.answered_wait_seconds ?? 0) / answered) : null,
            available: (await store.available(skill)).length,
            staffed,
            active: staffed > 0 || waiting.length > 0 || offered > 0,
          };
        }),
      );
      queues.sort(
        (a, b) =>
          b.waiting - a.waiting ||
          b.longestWaitSeconds - a.longestWaitSeconds ||
          b.answeredToday + b.abandonedToday - (a.answeredToday + a.abandonedToday) ||
          b.available - a.available,
      );
      const names = new Map(staff.map((user) => [user.id, user.displayName || user.id]));
      const holding = await Promise.all(snapshots.map(onHold));
      const agents = snapshots
        .map((agent, i): WallboardAgent =>
          wallboardAgent(agent, {
            now,
            displayName: names.get(agent.agentId) ?? agent.agentId,
            onHold: holding[i] ?? false,
            callsToday: callsToday.get(agent.agentId) ?? 0,
            catalogue,
            thresholds: deps.alertThresholds,
          }),
        )
        .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
      return {
        at: now.toISOString(),
        serviceLevelSeconds: settings.serviceLevelSeconds,
        serviceLevelGoal: settings.serviceLevelGoal,
        thresholds: deps.alertThresholds,
        totals: totalsOf(
          queues,
          agents,
          settings.serviceLevelGoal,
          new Map(today.map((row) => [row.queue_skill, row])),
        ),
        alerts: wallboardAlerts(queues, agents, deps.alertThresholds, settings.serviceLevelGoal),
        queues,
        agents,
        lacking: lacking.map((call) => ({
          callSid: call.callSid,
          agentId: call.agentId,
          agentName: names.get(call.agentId) ?? call.agentId,
          queueName: queueName(catalogue, call.skill),
          answeredAt: call.answeredAt.toISOString(),
        })),
      };
    },
  };
}
