import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import { analyzeEachTable, sql } from '../../src/platform/db.js';
import { createLogger } from '../../src/platform/logger.js';
import { createRuntime } from '../../src/runtime.js';
import type { PlayingRuntime } from './booking-player.js';
import { demoConfig } from './demo-data-set.js';
import { planHistory, REPORT_TARGETS } from './history-model.js';
import { historyQueues, prepareHistory } from './history-player.js';
import { writeHistory } from './history-writer.js';
import { startRestStandIn } from './rest-stand-in.js';

/*
 * npm run demo:history -- --from 2020-02-03 --to 2020-05-31 --seed 1 [--plan]
 *   [--data ./data/demo-history | --database-url <url>] [--redis-prefix <prefix>]
 *
 * Fills a data set of its own (never the live one: demo-data-set.ts) with a seeded history:
 * calls and bookings on every channel with their check-ins, cancellations and no-shows, day by
 * day, written as the service's components leave them (history-writer.ts; the history writer
 * test holds every table equal to the same history played through the components,
 * history-player.ts). Deterministic for a seed, resumable (days already written are skipped,
 * a day cut short is written again), with a progress bar.
 */

function progress(done: number, total: number, day: string, started: number): void {
  const width = 30;
  const share = total > 0 ? done / total : 1;
  const elapsed = (Date.now() - started) / 1000;
  const rate = done / Math.max(elapsed, 0.001);
  const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
  const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
  process.stderr.write(
    `\r[${bar}] ${(share * 100).toFixed(1).padStart(5)}% ${day}  ${done}/${total} calls and bookings  ${rate.toFixed(0)}/s  ETA ${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s `,
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string', default: '2020-02-03' },
      to: { type: 'string', default: '2020-05-31' },
      seed: { type: 'string', default: '1' },
      plan: { type: 'boolean', default: false },
      data: { type: 'string' },
      'database-url': { type: 'string' },
      'redis-prefix': { type: 'string' },
    },
    strict: true,
  });
  const from = DateTime.fromISO(values.from, { zone: ZONE });
  const to = DateTime.fromISO(values.to, { zone: ZONE });
  const seed = Number(values.seed);
  if (!from.isValid || !to.isValid || to < from || !Number.isInteger(seed)) {
    console.error(
      'demo:history: --from and --to must be dates (YYYY-MM-DD), --to not before --from, --seed an integer',
    );
    return 2;
  }
  const standIn = await startRestStandIn();
  // The history's accounts get random passwords nobody knows (history-player.ts): a light hash is enough for them.
  const config = demoConfig(
    {
      dataDir: values.data,
      databaseUrl: values['database-url'],
      redisPrefix: values['redis-prefix'],
    },
    {
      TWILIO_API_BASE_URL: standIn.url,
      STAFF_PASSWORD_HASH_MEMORY_KIB: '1024',
      ...(values['database-url'] && {
        DATABASE_URL: withoutCommitFlush(values['database-url']),
      }),
    },
  );
  console.error(
    `demo:history: into ${config.databaseUrl ? 'the PostgreSQL database given' : `its own folder ${config.pgliteDir}`}, Redis prefix ${config.redisPrefix}`,
  );
  const logger = createLogger('warn');
  const queues = historyQueues();
  let main: PlayingRuntime | undefined;
  try {
    const clock = createFixedClock(from.toJSDate());
    const runtime: PlayingRuntime = Object.assign(
      await createRuntime(config, { clock, logger, prepareDatabase: true, queues }),
      { clock },
    );
    main = runtime;
    // The embedded database is one session in this process: set once, it holds for the run.
    if (main.database.kind === 'pglite')
      await main.database.db.execute(sql`set synchronous_commit = off`);
    const days: string[] = [];
    for (let d = from; d <= to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
    const sessionsOf = (hallId: string, day: string) => {
      const hallDay = runtime.calendar.hallDay(hallId, day);
      return hallDay.open ? hallDay.sessions : [];
    };
    const plan = planHistory({ seed, days, catalogue: main.catalogue, sessionsOf });
    const calls = plan.days.reduce((n, d) => n + d.calls.length, 0);
    const bookings = plan.days.reduce((n, d) => n + d.bookings.length, 0);
    console.error(
      `demo:history: seed ${seed}, ${days[0]} to ${days.at(-1)}, ${plan.days.filter((d) => d.calls.length > 0).length} working days, ${calls} calls planned (${plan.answered} to be answered) and ${bookings} bookings online and at the desks, ${plan.agents.length} agents`,
    );
    if (values.plan) {
      // What the history will hold, without playing it: the figures the played report reproduces.
      const finals = plan.days
        .flatMap((d) => d.calls)
        .flatMap((c) => c.queue?.legs?.slice(-1) ?? []);
      const kind = (path: string) => finals.filter((leg) => leg.outcome?.path === path).length;
      const keypad = plan.days.flatMap((d) => d.calls).filter((c) => c.ivrBooking).length;
      const channel = (name: string) =>
        plan.days.reduce((n, d) => n + d.bookings.filter((b) => b.channel === name).length, 0);
      console.log(
        `planned: answered ${plan.answered} (report: ${REPORT_TARGETS.answered}), consultations ${kind('consultation')} (${REPORT_TARGETS.consultations}), completed by phone ${kind('completed-by-phone')} (${REPORT_TARGETS.completedByPhone}), phone bookings ${kind('booking') + keypad} by agents and keypad (${REPORT_TARGETS.phoneBookings}), online ${channel('web') + channel('wechat')} (${REPORT_TARGETS.onlineBookings}), at the desks ${channel('walk_in')}`,
      );
      return 0;
    }
    const actors = await prepareHistory(main, plan);
    const started = Date.now();
    const cpu = process.cpuUsage();
    await writeHistory(main, plan, {
      seed,
      actors,
      onProgress: ({ done, total, day, stage }) => {
        if (stage === 'settled') progress(done, total, day, started);
      },
    });
    process.stderr.write('\n');
    main.clock.set(to.plus({ days: 1 }).set({ hour: 8 }).toJSDate());
    // The embedded database keeps no statistics of its own (no autovacuum), and a server's has not
    // caught up with months written at once: without them the rollups' queries over the months
    // are planned blind and take many minutes instead of seconds. Analyzed on either kind.
    await analyzeEachTable(main.database.db);
    const built = await main.reports.backfillRollups();
    const seconds = (Date.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const report = await main.reports.period(days[0]!, days.at(-1)!);
    const { total } = report;
    console.log(main.reports.cumulativeSentence(report));
    console.log(
      `wrote ${calls} calls and ${bookings} channel bookings, and the statistics of ${built} days, in ${seconds.toFixed(0)} s (this process's CPU ${((used.user + used.system) / 1e6).toFixed(0)} s)`,
    );
    console.log(
      `answered ${report.total.answered} (report: ${REPORT_TARGETS.answered}), consultations ${report.total.consultations} (${REPORT_TARGETS.consultations}), completed by phone ${report.total.completedByPhone} (${REPORT_TARGETS.completedByPhone}), bookings online ${total.bookingsWeb + total.bookingsWechat} (${REPORT_TARGETS.onlineBookings}), on the phone ${total.bookingsPhone + total.bookingsIvr} (${REPORT_TARGETS.phoneBookings}), at the desks ${total.bookingsWalkIn}`,
    );
    console.log(
      `jobs not queued (a history's timers and messages are due in the past): ${[...queues.counts].map(([name, n]) => `${name} ${n}`).join(', ') || 'none'}`,
    );
    const password = await demoSupervisor(main);
    console.log(
      `to look at it: npm run demo:serve${values.data ? ` -- --data ${values.data}` : ''}, then http://localhost:3100/panel/reports as demo_supervisor, password ${password} (new on every run)`,
    );
    return 0;
  } finally {
    await main?.close();
    await standIn.close();
  }
}

/**
 * The demo's own PostgreSQL database, its commits not waiting for the disk (a connection
 * parameter on every connection of the pool; the embedded database gets the same setting in
 * main). A history is played from its seed: if the server crashes, the commits lost are played
 * again on the next run, as after a kill. A played call commits many small transactions; on the
 * embedded database one took 1.3–1.5 ms of CPU this way instead of 1.7–2.1 ms.
 */
function withoutCommitFlush(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('synchronous_commit', 'off');
  return url.toString();
}

/** A supervisor to look at the demo's statistics with; a new password on every run, shown once. */
async function demoSupervisor(runtime: PlayingRuntime): Promise<string> {
  const password = randomBytes(9).toString('base64url');
  if (await runtime.staff.findUser('demo_supervisor'))
    await runtime.staff.resetPassword('demo_supervisor', password);
  else
    await runtime.staff.createUser({
      username: 'demo_supervisor',
      role: 'supervisor',
      skills: [],
      password,
    });
  return password;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo:history: ${(error as Error).message}`);
    process.exit(1);
  },
);
