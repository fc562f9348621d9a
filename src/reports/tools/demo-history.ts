import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { createFixedClock, ZONE } from '../../platform/clock.js';
import { loadConfig } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import { createRuntime, type Runtime } from '../../runtime.js';
import { playCall, type CallScript } from './call-player.js';
import { planHistory, REPORT_TARGETS, type HistoryAgent } from './history-model.js';

/*
 * npm run demo:history -- --from 2020-02-03 --to 2020-05-31 --seed 1 [--lanes 4]
 *
 * Fills the configured database with a call history played through the service's own
 * components (see call-player.ts), deterministic for a seed, resumable (days and calls already
 * summarized are skipped), with a progress bar. Lanes are runtimes of their own (each with its
 * own clock) that play disjoint departments at the same time.
 */

type Playing = Runtime & { clock: ReturnType<typeof createFixedClock> };

const DEMO_PASSWORD = 'demo-history-not-for-login';

function progress(done: number, total: number, day: string, started: number): void {
  const width = 30;
  const share = total > 0 ? done / total : 1;
  const elapsed = (Date.now() - started) / 1000;
  const rate = done / Math.max(elapsed, 0.001);
  const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
  const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
  process.stderr.write(`\r[${bar}] ${(share * 100).toFixed(1).padStart(5)}% ${day}  ${done}/${total} calls  ${rate.toFixed(0)}/s  ETA ${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s `);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { from: { type: 'string', default: '2020-02-03' }, to: { type: 'string', default: '2020-05-31' }, seed: { type: 'string', default: '1' }, lanes: { type: 'string', default: '4' } },
    strict: true,
  });
  const from = DateTime.fromISO(values.from, { zone: ZONE });
  const to = DateTime.fromISO(values.to, { zone: ZONE });
  const seed = Number(values.seed);
  const laneCount = Math.max(1, Math.min(16, Number(values.lanes)));
  if (!from.isValid || !to.isValid || to < from || !Number.isInteger(seed)) {
    console.error('demo:history: --from and --to must be dates (YYYY-MM-DD), --to not before --from, --seed an integer');
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger('warn');
  const lanes: Playing[] = [];
  for (let i = 0; i < laneCount; i += 1) {
    const clock = createFixedClock(from.toJSDate());
    lanes.push((await createRuntime(config, { clock, logger, prepareDatabase: i === 0 })) as Playing);
  }
  const [main] = lanes as [Playing, ...Playing[]];
  try {
    const days: string[] = [];
    for (let d = from; d <= to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
    const sessionsOf = (hallId: string, day: string) => {
      const hallDay = main.calendar.hallDay(hallId, day);
      return hallDay.open ? hallDay.sessions : [];
    };
    const plan = planHistory({ seed, days, catalogue: main.catalogue, sessionsOf });
    const total = plan.days.reduce((n, d) => n + d.calls.length, 0);
    console.error(`demo:history: seed ${seed}, ${days[0]} to ${days.at(-1)}, ${plan.days.filter((d) => d.calls.length > 0).length} working days, ${total} calls planned, ${plan.answered} to be answered, ${plan.agents.length} agents, ${laneCount} lanes`);
    for (const agent of plan.agents) {
      if (!(await main.staff.findUser(agent.id))) await main.staff.createUser({ username: agent.id, role: 'agent', skills: [agent.department], password: DEMO_PASSWORD });
    }
    const departments = [...new Set(plan.agents.map((a) => a.department))];
    const laneOf = new Map(departments.map((d, i) => [d, i % laneCount]));
    const started = Date.now();
    let done = 0;
    for (const { day, calls } of plan.days) {
      if (calls.length === 0) continue;
      const last = await main.ledger.find(calls.at(-1)!.callSid);
      if (last?.summarizedAt) {
        done += calls.length;
        progress(done, total, day, started);
        continue;
      }
      const resuming = Boolean(await main.ledger.find(calls[0]!.callSid));
      const byLane = lanes.map(() => [] as CallScript[]);
      for (const call of calls) byLane[laneOf.get(main.catalogue.hotline(call.hotline)!.department)!]!.push(call);
      await Promise.all(
        lanes.map(async (lane, i) => {
          const agents = plan.agents.filter((a) => laneOf.get(a.department) === i);
          await shift(lane, agents, day, 'available');
          for (const call of byLane[i]!) {
            if (!resuming || !(await lane.ledger.find(call.callSid))?.summarizedAt) await playCall(lane, call);
            done += 1;
            if (done % 200 === 0) progress(done, total, day, started);
          }
          await shift(lane, agents, day, 'offline');
        }),
      );
      progress(done, total, day, started);
    }
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write('\n');
    main.clock.set(to.plus({ days: 1 }).set({ hour: 8 }).toJSDate());
    const report = await main.reports.period(days[0]!, days.at(-1)!);
    console.log(main.reports.cumulativeSentence(report));
    console.log(`played ${done} calls in ${seconds.toFixed(0)} s; answered ${report.total.answered} (report: ${REPORT_TARGETS.answered}), consultations ${report.total.consultations} (${REPORT_TARGETS.consultations}), completed by phone ${report.total.completedByPhone} (${REPORT_TARGETS.completedByPhone})`);
    return 0;
  } finally {
    for (const lane of lanes) await lane.close();
  }
}

/** Agents log in at 08:00 and out at 17:00 (Beijing time); whatever state a crash left them in is reset first. */
async function shift(lane: Playing, agents: HistoryAgent[], day: string, to: 'available' | 'offline'): Promise<void> {
  lane.clock.set(DateTime.fromISO(`${day}T${to === 'available' ? '08:00' : '17:00'}`, { zone: ZONE }).toJSDate());
  for (const agent of agents) {
    if (to === 'available' && (await lane.agents.store.agent(agent.id)).state !== 'offline') await lane.agents.states.transition({ agentId: agent.id, to: 'offline', reason: 'demo-reset', callSid: '' });
    await lane.agents.desk.setState(agent.id, to);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo:history: ${(error as Error).message}`);
    process.exit(1);
  },
);
