import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { queueName } from '../../src/catalogue/index.js';
import { evaluationReport } from '../../src/evaluations/index.js';
import { queryRows } from '../../src/platform/db.js';
import type { Runtime } from '../../src/runtime.js';
import type { CallerInput } from '../../tools/caller/caller.js';
import { callThroughProvider } from '../../tools/caller/provider-caller.js';
import { client, createAgent } from '../agents/agents-support.js';
import { createTestRuntime, ownDatabase, startTestServer } from '../support/env.js';
import { eventually } from '../support/poll.js';
import {
  CITIZEN_CENTRE,
  answeringPhone,
  closeProviderRuntimes,
  providerRuntime,
} from '../telephony/telephony-support.js';

const DAY = '2026-03-02';
const keys = (...list: string[]): CallerInput[] => list.map((digits) => ({ kind: 'dtmf', digits }));

/** A logged-in supervisor's browser. */
async function supervisorBrowser(runtime: Runtime, url: string) {
  const supervisor = await createAgent(runtime, {
    skills: [],
    role: 'supervisor',
    displayName: '王班长',
  });
  const browser = client(url);
  assert.equal((await browser.login(supervisor)).status, 200);
  return { supervisor, browser };
}

async function trainingSids(runtime: Runtime): Promise<string[]> {
  const rows = await queryRows<{ call_sid: string }>(
    runtime.database.db,
    sql`select call_sid from calls where training order by call_sid`,
  );
  return rows.map((r) => r.call_sid);
}

describe('training calls', function () {
  this.timeout(60_000);
  afterEach(closeProviderRuntimes);

  it("when a supervisor starts ten simulated callers and two agents answer, then every call is marked training, the agents' desks show the callers' answers, and the day's statistics, evaluations, export and reconciliation count only the real call", async () => {
    const { runtime, telephony, url } = await providerRuntime({
      DATABASE_URL: await ownDatabase('training'),
    });
    const general = queueName(runtime.catalogue, 'cc-general');
    // Callers hear the 好差评 menu after the agent hangs up (the simulated ones hang up there).
    for (const hotline of runtime.catalogue.hotlines.filter((h) => h.department === 'cc-general'))
      await runtime.evaluations.setEnabled(hotline.number, true, 'test');

    // A real call on the same day, answered; its agent stays in wrap-up (the clock stands still) until its outcome below.
    const real = await createAgent(runtime, { skills: ['cc-general'] });
    const realPhone = answeringPhone();
    telephony.register(`client:${real}`, realPhone);
    await runtime.routing.presence.setState(real, 'available');
    const realCall = callThroughProvider(telephony, { to: CITIZEN_CENTRE, inputs: keys('2', '1') });
    await eventually(async () => realPhone.offers.length === 1, "the real agent's phone rings");
    const realSid = realPhone.offers[0]!.parentCallSid!;
    realPhone.hangup();
    assert.equal((await realCall).agentAnswered, true);

    // Two trainees wait for the simulated callers.
    const trainees = await Promise.all(
      [1, 2].map(async () => {
        const id = await createAgent(runtime, { skills: ['cc-general'] });
        const phone = answeringPhone();
        telephony.register(`client:${id}`, phone);
        await runtime.routing.presence.setState(id, 'available');
        return { id, phone };
      }),
    );
    const { browser } = await supervisorBrowser(runtime, url);
    const listed = await browser.request('GET', '/api/supervisor/training');
    assert.ok((listed.body.departments as string[]).includes(general));

    // Other files' training sessions may have left their calls in this database: count this session's.
    const earlier = new Set(await trainingSids(runtime));
    const started = await browser.request('POST', '/api/supervisor/training', {
      departments: [general],
      perMinute: 6,
      calls: 10,
      patienceSeconds: 60,
      seed: 20261207,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.equal(started.body.session.startedBy, '王班长');
    assert.deepEqual(started.body.session.departments, [general]);

    for (const trainee of trainees)
      await eventually(async () => trainee.phone.offers.length === 1, "a trainee's phone rings");
    // The trainee's desk shows the simulated caller's answers as text.
    const desk = client(url);
    await desk.login(trainees[0]!.id);
    const answers = await eventually(async () => {
      const read = await desk.request('GET', '/api/agent/training-answers');
      return (
        read.body.training === true &&
        (read.body.answers as Array<{ question: string; answer: string }>)
      );
    }, "the trainee's desk reads the caller's answers");
    assert.deepEqual(
      answers.map((a) => a.question),
      ['您要办理什么业务？', '请问您怎么称呼？', '办理的事项', '联系电话'],
    );
    assert.match(answers[1]!.answer, /^我叫\p{Script=Han}\*+。$/u);
    assert.match(answers[3]!.answer, /^1\d\d\*{4}\d{4}$/);
    const trainingSid = trainees[0]!.phone.offers[0]!.parentCallSid!;
    await eventually(
      async () => (await runtime.ledger.find(trainingSid))?.answeredAt != null,
      'the ledger marks the training call answered',
    );
    for (const trainee of trainees) trainee.phone.hangup();
    await eventually(
      async () => (await runtime.routing.store.agent(trainees[0]!.id)).state === 'wrap_up',
      'the trainee goes to wrap-up',
    );
    await runtime.desk.outcomes.record(trainees[0]!.id, trainingSid, 'booking', {
      bookingId: 'bk_train',
      bookingCode: 'TRAIN001',
    });

    const done = await eventually(
      async () => {
        const read = await browser.request('GET', '/api/supervisor/training');
        return read.body.session.running === false && read.body.session;
      },
      'every simulated caller has hung up',
      30_000,
    );
    assert.equal(done.placed, 10);
    assert.equal(done.answered, 2);
    assert.equal(done.ended, 10);
    let seen = '';
    await eventually(
      async () => {
        const marked = (await trainingSids(runtime)).filter((sid) => !earlier.has(sid));
        const open = await queryRows<{ call_sid: string; training: boolean }>(
          runtime.database.db,
          sql`select call_sid, training from calls where ended_at is null order by call_sid`,
        );
        seen = `${marked.length} marked; not ended: ${JSON.stringify(open)}; placed: ${JSON.stringify(done.calls ?? [])}`;
        return marked.length === 10 && open.length === 0;
      },
      'ten training calls in the ledger, all ended',
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message} (${seen})`);
    });
    // The real call's outcome says booking, but there is none: reconciliation must list it.
    await runtime.desk.outcomes.record(real, realSid, 'booking', {
      bookingId: 'bk_real',
      bookingCode: 'REAL0001',
    });
    const sids = await trainingSids(runtime);
    assert.ok(sids.includes(trainingSid));
    assert.ok(!sids.includes(realSid));

    const report = await runtime.reports.period(DAY, DAY);
    assert.equal(report.total.offered, 1);
    assert.equal(report.total.answered, 1);
    assert.deepEqual(
      report.byAgent.map((a) => a.handled),
      [1],
    );
    const exported = await runtime.reports.exportPeriod({ day: DAY });
    const [header, ...rows] = exported.csv
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .map((line) => line.split(','));
    const total = rows.find((row) => row[1] === '合计')!;
    assert.equal(total[header!.indexOf('呼入量')], '1');
    assert.equal(total[header!.indexOf('人工接听量')], '1');

    // The 好差评 menu was offered after every answered call; the period's evaluations count the real one only.
    await eventually(
      async () =>
        (
          await queryRows<{ n: number }>(
            runtime.database.db,
            sql`select count(*)::int as n from evaluations where call_sid = ${trainingSid}`,
          )
        )[0]!.n === 1,
      'the training caller was offered the evaluation',
    );
    const evaluations = await evaluationReport(
      {
        db: runtime.database.db,
        catalogue: runtime.catalogue,
        namesOf: async (ids) => new Map(ids.map((id) => [id, id])),
      },
      DAY,
      DAY,
    );
    assert.equal(evaluations.total.offered, 1);

    await runtime.reconciliation.service.run(DAY, DAY, 'test');
    const listedCalls = await queryRows<{ call_sid: string }>(
      runtime.database.db,
      sql`select call_sid from reconciliation_items where call_sid is not null`,
    );
    assert.deepEqual(
      listedCalls.map((r) => r.call_sid),
      [realSid],
      "the real call's outcome without a booking is listed, the training call's is not",
    );
  });

  it('when a supervisor stops a session, then its waiting callers hang up, nobody is left in the queue, and the start and the stop are audited', async () => {
    const { runtime, url } = await providerRuntime({
      DATABASE_URL: await ownDatabase('training'),
    });
    const { supervisor, browser } = await supervisorBrowser(runtime, url);
    const started = await browser.request('POST', '/api/supervisor/training', {
      departments: [queueName(runtime.catalogue, 'cc-tax')],
      perMinute: 1,
      calls: 3,
      patienceSeconds: 1800,
      seed: 7,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    await eventually(
      async () => (await runtime.routing.store.waiting('cc-tax')).length > 0,
      'a simulated caller waits in the tax queue',
    );
    const stopped = await browser.request('POST', '/api/supervisor/training/stop');
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.equal(stopped.body.session.running, false);
    assert.equal(stopped.body.session.ended, stopped.body.session.placed);
    await eventually(
      async () => (await runtime.routing.store.waiting('cc-tax')).length === 0,
      'routing keeps no simulated caller',
    );
    const again = await browser.request('POST', '/api/supervisor/training/stop');
    assert.equal(again.status, 409);
    assert.equal(again.body.error.messageZh, '没有正在进行的培训');
    const audits = await queryRows<{ actor_id: string; action: string }>(
      runtime.database.db,
      sql`select actor_id, action from audit_log where subject like 'training:%' and actor_id = ${supervisor} order by id`,
    );
    assert.deepEqual(
      audits.map((a) => a.action),
      ['training.start', 'training.stop'],
    );
  });

  it('when an agent asks to start a session, then they are refused (403); on a Twilio provider a supervisor is refused with a Chinese reason (409)', async () => {
    const { runtime, url } = await providerRuntime({
      DATABASE_URL: await ownDatabase('training'),
    });
    const agent = await createAgent(runtime, { skills: ['cc-general'] });
    const desk = client(url);
    await desk.login(agent);
    const body = {
      departments: [queueName(runtime.catalogue, 'cc-general')],
      perMinute: 1,
      calls: 1,
    };
    assert.equal((await desk.request('POST', '/api/supervisor/training', body)).status, 403);
    assert.equal((await desk.request('GET', '/api/supervisor/training')).status, 403);

    const twilio = await createTestRuntime({
      env: { TELEPHONY_PROVIDER: 'twilio' },
      database: 'training',
    });
    assert.equal(twilio.telephony, undefined);
    const server = await startTestServer(twilio);
    const { browser } = await supervisorBrowser(twilio, server.url);
    const refused = await browser.request('POST', '/api/supervisor/training', body);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'training_needs_local_line');
    assert.match(refused.body.error.messageZh, /^培训来电只能在内置电话线路/);
  });
});
