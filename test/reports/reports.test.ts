import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { startJobs } from '../../src/jobs.js';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime, startTestServer } from '../support/env.js';
import { buildCallSid } from '../support/twilio.js';

const DAY = '2021-05-10';
const at = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();
const CALLER = '+8613904691234';

interface CallScript {
  arrive: string;
  queueAfter?: number;
  answerAfter?: number;
  endAfter: number;
  selfServed?: boolean;
  callback?: boolean;
  to?: string;
}

describe('daily statistics', () => {
  const clock = createFixedClock(at(`${DAY}T09:00`));
  let runtime: Runtime;
  let hotline: string;

  /** Drives one call through the ledger as the IVR, routing and Twilio's status callback would. */
  async function playCall(script: CallScript): Promise<string> {
    const callSid = buildCallSid();
    const start = at(script.arrive);
    const plus = (s: number) => new Date(start.getTime() + s * 1000);
    const to = script.to ?? hotline;
    const known = runtime.catalogue.hotline(to);
    clock.set(start);
    await runtime.ledger.recordArrival({
      callSid,
      from: CALLER,
      to,
      hotline: known && { number: known.number, hall: known.hall, department: known.department },
    });
    if (!known) await runtime.ledger.markRejected(callSid);
    if (script.queueAfter !== undefined)
      await runtime.ledger.recordQueued(
        callSid,
        { skill: known!.department },
        plus(script.queueAfter),
      );
    if (script.answerAfter !== undefined)
      await runtime.ledger.markAnswered(callSid, { at: plus(script.answerAfter) });
    if (script.selfServed) await runtime.ledger.markSelfServed(callSid);
    if (script.callback) await runtime.ledger.markCallbackRequested(callSid);
    clock.set(plus(script.endAfter));
    await runtime.ledger.recordStatus(
      {
        CallSid: callSid,
        CallStatus: 'completed',
        SequenceNumber: 1,
        Timestamp: plus(script.endAfter).toUTCString(),
        From: CALLER,
        To: to,
        Direction: 'inbound',
      },
      {},
    );
    await runtime.ledger.summarize(callSid);
    return callSid;
  }

  before(async () => {
    runtime = await createTestRuntime({ clock });
    hotline = runtime.catalogue.hotlines[0]!.number;
    await playCall({ arrive: `${DAY}T09:00`, endAfter: 30 }); // abandoned in the IVR
    await playCall({ arrive: `${DAY}T09:10`, queueAfter: 20, answerAfter: 30, endAfter: 130 }); // answered in 10 s, talk 100 s
    await playCall({ arrive: `${DAY}T09:20`, queueAfter: 20, answerAfter: 60, endAfter: 120 }); // answered in 40 s, talk 60 s
    await playCall({ arrive: `${DAY}T09:30`, queueAfter: 20, endAfter: 23 }); // short abandon (3 s)
    await playCall({ arrive: `${DAY}T09:40`, queueAfter: 20, endAfter: 70 }); // abandoned in queue after 50 s
    await playCall({ arrive: `${DAY}T09:50`, selfServed: true, endAfter: 90 }); // self-served
    await playCall({ arrive: `${DAY}T10:00`, to: '+864690000000', endAfter: 10 }); // not a hotline: not offered
    await playCall({ arrive: `${DAY}T10:10`, queueAfter: 20, callback: true, endAfter: 80 }); // asked for a callback
    await playCall({ arrive: `${DAY}T23:59:30`, endAfter: 20 }); // last minute of the day, Shanghai time
    await playCall({ arrive: '2021-05-11T00:00:10', endAfter: 20 }); // the next day
  });

  it('when a day is reported, then each figure is exact for the hotline and the Shanghai day boundary holds', async () => {
    const report = await runtime.reports.period(DAY, DAY);
    assert.equal(report.byHotline.length, 27);
    const row = report.byHotline.find((r) => r.hotline === hotline)!;
    assert.deepEqual(
      {
        offered: row.offered,
        answered: row.answered,
        selfServed: row.selfServed,
        abandonedInIvr: row.abandonedInIvr,
        abandonedInQueue: row.abandonedInQueue,
        shortAbandons: row.shortAbandons,
        callbacksRequested: row.callbacksRequested,
        asaSeconds: row.asaSeconds,
        ahtSeconds: row.ahtSeconds,
      },
      {
        offered: 8,
        answered: 2,
        selfServed: 1,
        abandonedInIvr: 2,
        abandonedInQueue: 1,
        shortAbandons: 1,
        callbacksRequested: 1,
        asaSeconds: 25,
        ahtSeconds: 80,
      },
    );
    // One of the two answered within 20 s; the 50 s abandon counts against, the 3 s one does not.
    assert.equal(row.serviceLevel, 1 / 3);
    assert.equal(report.total.offered, 8);
    const department = report.byDepartment.find((d) => d.departmentId === row.departmentId)!;
    assert.ok(department.offered >= 8);
  });

  it('when the day is exported, then a CSV for Excel in Chinese and an XLSX, with no caller numbers', async () => {
    clock.set(at('2021-05-11T00:30'));
    const { csv, xlsx } = await runtime.reports.exportDay(DAY);
    assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8');
    const lines = text.slice(1).trimEnd().split('\r\n');
    assert.match(lines[0]!, /^统计日期,类别,热线号码,热线名称,大厅,部门,呼入量,人工接听量/);
    // The number starts with +: written as text (a leading '), not left for Excel to read as a formula.
    assert.ok(lines.some((l) => l.startsWith(`${DAY},热线,'${hotline},`)));
    assert.ok(lines[lines.length - 1]!.startsWith(`${DAY},合计,`));
    assert.ok(!text.includes('13904691234'));

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    assert.deepEqual(
      workbook.worksheets.map((s) => s.name),
      ['按热线', '按部门', '按坐席', '按事项', '按半小时', '说明'],
    );
    const sheet = workbook.getWorksheet('按热线')!;
    assert.equal(sheet.rowCount, 28);
    assert.equal(await runtime.reports.storedExport(DAY, 'csv').then((b) => b?.equals(csv)), true);
  });

  it('when the nightly job runs, then it exports the days of the last week that have no export, yesterday included', async () => {
    clock.set(at('2021-05-12T00:30'));
    const jobs = await startJobs(runtime);
    try {
      await runtime.queues.add('daily-report', {}, { jobId: 'daily-report-catch-up' });
      const deadline = Date.now() + 20_000;
      let stored: Buffer | undefined;
      while (!stored && Date.now() < deadline) {
        stored = await runtime.reports.storedExport('2021-05-11', 'csv');
        if (!stored) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const csv = stored!.toString('utf8');
      const total = csv.trimEnd().split('\r\n').pop()!.split(',');
      assert.equal(total[1], '合计');
      assert.equal(total[6], '1', 'the one call of 2021-05-11');
      assert.ok(!(await runtime.reports.missingDays(2)).includes('2021-05-11'));
    } finally {
      await jobs.close();
    }
  });

  it('when a period is asked for, then the sentence the bureau quotes adds the days up', async () => {
    const report = await runtime.reports.period('2021-05-10', '2021-05-11');
    assert.equal(report.total.offered, 9);
    assert.equal(
      runtime.reports.cumulativeSentence(report),
      '自2021年5月10日至5月11日，全市预约热线共接入来电9次，人工接听2次，其中业务咨询0件，通过电话办理事项0件；自助办结1次，预约回电1次；各渠道预约0件，其中电话和语音预约0件。',
    );
  });

  it('when reports are read without a staff session, then 401', async () => {
    const { url } = await startTestServer(runtime);
    const response = await fetch(`${url}/api/reports/daily/${DAY}.csv`);
    assert.equal(response.status, 401);
  });
});

describe('daily statistics: outcomes and bookings', () => {
  it('when agents record outcomes and channels book, then consultations, completions, bookings by channel and capacity use are counted', async () => {
    const { buildIdNumber } = await import('../booking/booking-support.js');
    const clock = createFixedClock(at('2021-05-10T07:00'));
    const runtime = await createTestRuntime({ clock, database: 'reports-bookings' });
    await runtime.booking.capacity.releaseSlots();
    const service = runtime.catalogue.halls
      .flatMap((h) => h.departments.flatMap((d) => d.services.map((s) => ({ s, d, h }))))
      .find(({ s }) => s.bookable)!;
    const [slot] = await runtime.booking.capacity.listSlots({
      hallId: service.h.id,
      serviceId: service.s.id,
      fromDay: DAY,
      toDay: DAY,
    });
    assert.ok(slot, 'a slot on the day');
    for (const [channel, key] of [
      ['web', 'k-web'],
      ['walk_in', 'k-desk'],
    ] as const) {
      const made = await runtime.booking.service.createBooking(
        {
          slotId: slot.id,
          name: '李四',
          phone: '+8613904690011',
          identity: { idNumber: buildIdNumber() },
        },
        { channel, id: key, label: `channel:${key}` },
        `report-${channel}`,
      );
      assert.equal(made.status, 201, JSON.stringify(made));
    }
    const hotline = runtime.catalogue.hotlines[0]!;
    const callSid = buildCallSid();
    await runtime.ledger.recordArrival({
      callSid,
      from: CALLER,
      to: hotline.number,
      hotline: { number: hotline.number, hall: hotline.hall, department: hotline.department },
    });
    const { sql } = await import('drizzle-orm');
    await runtime.database.db
      .execute(sql`insert into call_outcomes (call_sid, agent_id, kind, details, recorded_at) values
      (${callSid}, 'a1', 'consultation', '{}'::jsonb, now()), (${callSid}, 'a2', 'completed_by_phone', '{}'::jsonb, now())`);

    const report = await runtime.reports.period(DAY, DAY);
    const row = report.byHotline.find((r) => r.hotline === hotline.number)!;
    assert.deepEqual(
      { consultations: row.consultations, completedByPhone: row.completedByPhone },
      { consultations: 1, completedByPhone: 1 },
    );
    const department = report.byDepartment.find((d) => d.departmentId === service.d.id)!;
    assert.equal(department.bookingsWeb, 1);
    assert.equal(department.bookingsWalkIn, 1);
    assert.equal(department.slotBooked, 2);
    assert.ok(department.slotCapacity >= 2);
    assert.equal(department.capacityUse, 2 / department.slotCapacity);
    assert.equal(report.total.bookingsWeb + report.total.bookingsWalkIn, 2);
    assert.match(
      runtime.reports.cumulativeSentence(report),
      /其中业务咨询1件，通过电话办理事项1件；.*各渠道预约2件/,
    );
    const csv = (await runtime.reports.exportDay(DAY)).csv.toString('utf8');
    assert.match(
      csv.split('\r\n')[0]!,
      /业务咨询,电话办结事项,.*预约量\(政务服务网\).*号源使用率\(%\),爽约,制表时间$/,
    );
  });
});

describe('daily statistics: only finished days are stored', () => {
  it("finding 5: downloading today's or a future day's export never stores it; a finished day is stored and can be remade", async () => {
    const clock = createFixedClock(at('2021-06-02T10:00'));
    // A database of its own: the day's totals count every call of the day.
    const runtime = await createTestRuntime({ clock, database: 'reports-finished' });
    const { url } = await startTestServer(runtime);
    await runtime.staff.createUser({
      username: 'export_supervisor',
      role: 'supervisor',
      skills: [],
      password: 'correct horse battery',
    });
    const { token } = await runtime.staff.login(
      'export_supervisor',
      'correct horse battery',
      '127.0.0.1',
    );
    const download = async (day: string) => {
      const response = await fetch(`${url}/api/reports/daily/${day}.csv`, {
        headers: { cookie: `sid=${token}` },
      });
      assert.equal(response.status, 200);
      return Buffer.from(await response.arrayBuffer()).toString('utf8');
    };
    const total = (csv: string) => csv.trimEnd().split('\r\n').pop()!.split(',')[6];
    const hotline = runtime.catalogue.hotlines[0]!;
    const call = async (local: string) => {
      clock.set(at(local));
      await runtime.ledger.recordArrival({
        callSid: buildCallSid(),
        from: CALLER,
        to: hotline.number,
        hotline: { number: hotline.number, hall: hotline.hall, department: hotline.department },
      });
    };

    await call('2021-06-02T09:00');
    assert.equal(total(await download('2021-06-02')), '1', 'today so far');
    const future = await fetch(`${url}/api/reports/daily/2021-06-03.csv`, {
      headers: { cookie: `sid=${token}` },
    });
    assert.equal(future.status, 404, 'a day not yet come answers with the reason, not zeros');
    assert.equal(
      ((await future.json()) as { error: { code: string } }).error.code,
      'outside_history',
    );
    assert.equal(
      await runtime.reports.storedExport('2021-06-02', 'csv'),
      undefined,
      'today is not stored',
    );
    assert.equal(
      await runtime.reports.storedExport('2021-06-03', 'csv'),
      undefined,
      'a future day is not stored',
    );

    await call('2021-06-02T20:00');
    clock.set(at('2021-06-03T00:30'));
    assert.equal(
      total(await download('2021-06-02')),
      '2',
      "the whole day once it is over, not the morning's figures",
    );
    assert.equal(
      total((await runtime.reports.storedExport('2021-06-02', 'csv'))!.toString('utf8')),
      '2',
      'a finished day is stored',
    );

    await call('2021-06-02T23:00');
    clock.set(at('2021-06-03T08:00'));
    await runtime.reports.exportDay('2021-06-02');
    assert.equal(total(await download('2021-06-02')), '3', 'a day can be remade');
  });
});
