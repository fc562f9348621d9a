import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { guideReport } from '../../src/guides/index.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { client, createAgent } from '../agents/agents-support.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import { buildCallSid } from '../support/twilio.js';

describe('the guides in the statistics: consultations answered with a guide and the most-asked services', () => {
  let runtime: Runtime;
  let url: string;

  before(async () => {
    runtime = await createTestRuntime({
      clock: createFixedClock('2027-05-10T10:00:00+08:00'),
      database: 'guide-stats',
    });
    url = (await startTestServer(runtime)).url;
    // The reports need a recorded history: one call that day.
    const line = runtime.catalogue.hotlines[0]!;
    await runtime.ledger.recordArrival({
      callSid: buildCallSid(),
      from: '+8613904691234',
      to: line.number,
      hotline: { number: line.number, hall: line.hall, department: line.department },
    });
    const consult = async (serviceId: string | null, guideServiceId: string | null, at: string) => {
      const details = guideServiceId ? { guideServiceId } : {};
      await runtime.database.db.execute(
        sql`insert into call_outcomes (call_sid, agent_id, kind, service_id, details, recorded_at) values (${buildCallSid()}, 'agent-x', 'consultation', ${serviceId}, ${JSON.stringify(details)}::jsonb, ${at}::timestamptz)`,
      );
    };
    for (let i = 0; i < 3; i += 1)
      await consult('cc-fund-withdraw', 'cc-fund-withdraw', '2027-05-10T09:00:00+08:00');
    await consult('cc-fund-withdraw', null, '2027-05-10T09:30:00+08:00');
    await consult('vo-lic-renew', 'vo-lic-renew', '2027-05-10T10:00:00+08:00');
    await consult(null, null, '2027-05-10T11:00:00+08:00');
    // The day after: outside the period.
    await consult('vo-lic-renew', 'vo-lic-renew', '2027-05-11T09:00:00+08:00');
    await runtime.database.db.execute(
      sql`insert into guide_sms (call_sid, service_id, revision, agent_id, requested_at, status) values ('CA1', 'vo-lic-renew', 0, 'agent-x', '2027-05-10T10:01:00+08:00', 'sent'), ('CA2', 'ss-card-suspend', 0, 'agent-x', '2027-05-10T10:02:00+08:00', 'sent'), ('CA3', 'ss-card-suspend', 0, 'agent-x', '2027-05-10T10:03:00+08:00', 'skipped')`,
    );
  });

  it('when the day is reported, then consultations with and without a guide, the SMS sent and the most-asked services are counted from the rows', async () => {
    const report = await guideReport(
      { db: runtime.database.db, catalogue: runtime.catalogue },
      '2027-05-10',
      '2027-05-10',
    );
    assert.equal(report.consultations, 6);
    assert.equal(report.withGuide, 4);
    assert.equal(report.withoutGuide, 2);
    assert.equal(report.smsSent, 2, 'a skipped SMS was not sent');
    assert.deepEqual(report.topServices, [
      {
        service: 'cc-fund-withdraw',
        name: '住房公积金提取',
        consultations: 4,
        withGuide: 3,
        smsSent: 0,
      },
      {
        service: 'vo-lic-renew',
        name: '驾驶证期满换证',
        consultations: 1,
        withGuide: 1,
        smsSent: 1,
      },
      {
        service: 'ss-card-suspend',
        name: '社保卡临时挂失',
        consultations: 0,
        withGuide: 0,
        smsSent: 1,
      },
    ]);
  });

  it('when a supervisor reads the period JSON, then it carries the same figures under guides', async () => {
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    const browser = client(url);
    await browser.login(supervisor);
    const { status, body } = await browser.request(
      'GET',
      '/api/reports/period?from=2027-05-10&to=2027-05-10',
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(
      body.guides,
      await guideReport(
        { db: runtime.database.db, catalogue: runtime.catalogue },
        '2027-05-10',
        '2027-05-10',
      ),
    );
  });
});
