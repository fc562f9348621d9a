import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Catalogue, Session } from '../../src/catalogue/index.js';
import { ZONE } from '../../src/platform/clock.js';
import { dealBookings } from './history-bookings.js';
import { callerNumber, callerPatience } from '../../src/training/index.js';
import { dealOutcomes } from './history-outcomes.js';
import { createRandom } from './history-random.js';
import type {
  AgentLeg,
  CallScript,
  HistoryAgent,
  HistoryDay,
  HistoryPlan,
} from './history-script.js';
import { REPORT_TARGETS } from './history-targets.js';

export { createRandom } from './history-random.js';
export type { HistoryAgent, HistoryDay, HistoryPlan } from './history-script.js';
export { REPORT_TARGETS } from './history-targets.js';

/** A deterministic Twilio-like call SID for the n-th call of a day of a seed. */
export const historyCallSid = (seed: number, day: string, n: number) =>
  `CA${createHash('sha256').update(`${seed}/${day}/${n}`).digest('hex').slice(0, 32)}`;

/** Callers' relative arrival rate by half hour of the morning and afternoon (a 9–10 and a 14–15 peak). */
const hourShape = (minuteOfDay: number) => {
  const hour = minuteOfDay / 60;
  return (
    0.55 + Math.exp(-(((hour - 9.4) / 0.9) ** 2)) + 0.8 * Math.exp(-(((hour - 14.3) / 1.0) ** 2))
  );
};

/** Relative volume by ISO weekday: Mondays busiest. Index 1–7. */
const weekdayShape = [0, 1.25, 1.05, 1.0, 0.98, 0.92, 0.9, 0.9];

/** How the epidemic months shaped demand: halls half-closed in February sent people to the phone. */
const monthShape = (day: string) =>
  (({ '02': 1.25, '03': 1.1, '04': 0.92, '05': 0.85 }) as Record<string, number>)[
    day.slice(5, 7)
  ] ?? 1;

interface Settings {
  seed: number;
  days: string[];
  catalogue: Catalogue;
  /** The hall's opening sessions on a day; none when it is closed (weekend, holiday, closure). */
  sessionsOf(hallId: string, day: string): readonly Session[];
  /** Answered calls to aim for instead of the report's (in proportion to the period): a smaller history for tests. */
  targetAnswered?: number;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The whole history, decided before anything is played: arrivals per hotline and half hour,
 * each caller's path, patience and callbacks, and which agent of the department answers when
 * (first come, first served; the agent free longest). Calibrated by scaling the volume until
 * about {@link REPORT_TARGETS}.answered calls are answered over the report's period
 * (proportionally for other periods), then outcomes are dealt by exact quotas.
 */
export function planHistory(settings: Settings): HistoryPlan {
  // The report's answered calls over its hall-days, in proportion for any other range.
  const targetAnswered =
    settings.targetAnswered ??
    (REPORT_TARGETS.answered * countWorking(settings)) /
      Math.max(1, countWorking({ ...settings, days: reportRange() }));
  let scale = 1;
  let plan = simulate(settings, scale);
  for (
    let round = 0;
    round < 4 && Math.abs(plan.answered - targetAnswered) / targetAnswered > 0.004;
    round += 1
  ) {
    scale *= targetAnswered / Math.max(1, plan.answered);
    plan = simulate(settings, scale);
  }
  dealOutcomes(settings, plan);
  dealBookings(
    {
      seed: settings.seed,
      catalogue: settings.catalogue,
      targets: { online: REPORT_TARGETS.onlineBookings, phone: REPORT_TARGETS.phoneBookings },
      share: targetAnswered / REPORT_TARGETS.answered,
      hallsOpen: (day) =>
        settings.catalogue.hotlines.some((h) => settings.sessionsOf(h.hall, day).length > 0),
    },
    plan.days,
  );
  return plan;
}

function reportRange(): string[] {
  const out: string[] = [];
  for (
    let d = DateTime.fromISO('2020-02-03', { zone: ZONE });
    d.toISODate()! <= '2020-05-31';
    d = d.plus({ days: 1 })
  )
    out.push(d.toISODate()!);
  return out;
}

/** Hall-days open over the period, counted per hotline's hall: the unit demand is spread over. */
function countWorking(settings: Settings): number {
  let n = 0;
  for (const day of settings.days)
    for (const h of settings.catalogue.hotlines)
      if (settings.sessionsOf(h.hall, day).length > 0) n += 1;
  return n;
}

function simulate(settings: Settings, scale: number): HistoryPlan {
  const { catalogue, seed } = settings;
  const random = createRandom(seed);
  // Each hotline's share of demand: the citizen centre's general lines busiest.
  const weight = new Map(
    catalogue.hotlines.map((h, i) => [
      h.number,
      (h.hall === 'citizen-centre' ? 1.4 : 0.8) * (0.7 + ((i * 37) % 11) / 16),
    ]),
  );
  const departments = [...new Set(catalogue.hotlines.map((h) => h.department))];
  const demand = new Map<string, number>();
  for (const h of catalogue.hotlines)
    demand.set(h.department, (demand.get(h.department) ?? 0) + weight.get(h.number)!);
  // Agents per department: enough for the busiest half hour at about 80 % in 20 s.
  const agents: HistoryAgent[] = [];
  const pool = new Map<string, HistoryAgent[]>();
  for (const department of departments) {
    const count = Math.max(2, Math.round(demand.get(department)! * scale * 2.2));
    const list = Array.from({ length: count }, (_, i) => ({
      id: `demo_${department.replace(/-/g, '_')}_${i + 1}`,
      department,
    }));
    pool.set(department, list);
    agents.push(...list);
  }
  const days: HistoryDay[] = [];
  let answered = 0;
  for (const day of settings.days) {
    const date = DateTime.fromISO(day, { zone: ZONE });
    const arrivals: Array<{ at: number; hotline: (typeof catalogue.hotlines)[number] }> = [];
    for (const hotline of catalogue.hotlines) {
      const sessions = settings.sessionsOf(hotline.hall, day);
      for (const session of sessions) {
        for (let m = minutes(session.from); m < minutes(session.to); m += 30) {
          const mean =
            scale *
            weight.get(hotline.number)! *
            weekdayShape[date.weekday]! *
            monthShape(day) *
            hourShape(m + 15) *
            1.6;
          const n = random.poisson(mean);
          for (let k = 0; k < n; k += 1)
            arrivals.push({
              at: m * 60 + random.between(0, Math.min(30, minutes(session.to) - m) * 60),
              hotline,
            });
        }
      }
    }
    arrivals.sort((a, b) => a.at - b.at);
    const freeAt = new Map<string, number>(agents.map((a) => [a.id, 0]));
    const calls: CallScript[] = [];
    const midnight = date.startOf('day').toMillis();
    for (const [n, arrival] of arrivals.entries()) {
      const script: CallScript = {
        callSid: historyCallSid(seed, day, n),
        hotline: arrival.hotline.number,
        from: callerNumber(random),
        arrivedAt: new Date(midnight + Math.round(arrival.at) * 1000),
        ivrSeconds: Math.round(15 + random.exponential(35)),
        ivr: 'queue',
      };
      const path = random.next();
      if (path < 0.06) script.ivr = 'abandoned';
      else if (path < 0.2) script.ivr = 'self-served';
      else {
        const skill = arrival.hotline.department;
        const queuedAt = arrival.at + script.ivrSeconds;
        const patience = callerPatience(random);
        const list = pool.get(skill)!;
        const agent = list.reduce((best, a) =>
          freeAt.get(a.id)! < freeAt.get(best.id)! ? a : best,
        );
        const answerAt = Math.max(queuedAt + 3 + random.between(0, 4), freeAt.get(agent.id)! + 2);
        const wait = Math.round(answerAt - queuedAt);
        if (wait > patience) {
          const leftAfter = Math.max(0, Math.round(patience));
          const callback = leftAfter > 90 && random.next() < 0.4;
          script.queue = {
            skill,
            leftAfterSeconds: callback ? 90 + Math.round(random.between(0, 15)) : leftAfter,
            ...(callback && {
              callback: {
                attempts: random.next() < 0.8 ? 1 : 3,
                reached: random.next() < 0.85,
                afterSeconds: 600,
              },
            }),
          };
          if (
            script.queue.callback &&
            script.queue.callback.attempts === 3 &&
            script.queue.callback.reached
          )
            script.queue.callback.reached = random.next() < 0.5;
        } else {
          answered += 1;
          const talk = Math.round(60 + random.exponential(150));
          const wrap = Math.round(15 + random.exponential(25));
          const legs: AgentLeg[] = [
            { agentId: agent.id, waitSeconds: wait, talkSeconds: talk, wrapUpSeconds: wrap },
          ];
          freeAt.set(agent.id, answerAt + talk + wrap);
          const other = list.filter((a) => a.id !== agent.id);
          if (other.length > 0 && random.next() < 0.03) {
            const second = other.reduce((best, a) =>
              freeAt.get(a.id)! < freeAt.get(best.id)! ? a : best,
            );
            legs[0]!.talkSeconds = Math.round(30 + random.exponential(40));
            const transferAt = answerAt + legs[0]!.talkSeconds;
            freeAt.set(agent.id, transferAt + legs[0]!.wrapUpSeconds);
            const secondAnswer = Math.max(
              transferAt + 5 + random.between(0, 10),
              freeAt.get(second.id)! + 2,
            );
            legs.push({
              agentId: second.id,
              waitSeconds: Math.round(secondAnswer - transferAt),
              talkSeconds: talk,
              wrapUpSeconds: wrap,
            });
            freeAt.set(second.id, Math.round(secondAnswer) + talk + wrap);
          }
          script.queue = { skill, legs };
        }
      }
      calls.push(script);
    }
    days.push({ day, calls, bookings: [] });
  }
  return { agents, days, answered };
}
