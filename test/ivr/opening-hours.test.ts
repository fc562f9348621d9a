import assert from 'node:assert/strict';
import { keys, startIvr } from './ivr-support.js';

/** What a caller hears on real dates when they ask for a person (key 0). */
describe('IVR opening hours on real dates', () => {
  let ivr: Awaited<ReturnType<typeof startIvr>>;
  let lunchHotline: string;
  let allDayHotline: string;

  before(async () => {
    ivr = await startIvr('2020-02-03T10:00');
    const { catalogue } = ivr.runtime;
    const hallOf = (number: string) => catalogue.hall(catalogue.hotline(number)!.hall)!;
    lunchHotline = catalogue.hotlines.find((h) => h.hall === 'citizen-centre')!.number;
    allDayHotline = catalogue.hotlines.find((h) => hallOf(h.number).hours.length === 1)!.number;
    assert.equal(hallOf(lunchHotline).hours.length, 2);
  });

  after(async () => ivr.expectValidAnswers());

  async function askForPerson(at: string, hotline = lunchHotline) {
    ivr.setTime(at);
    return ivr.call({ to: hotline, inputs: keys('0') });
  }

  it('when 2020-01-31 (the epidemic extension of the Spring Festival), then closed for 春节, reopening Monday 2月3日, with booking and callback offered', async () => {
    const result = await askForPerson('2020-01-31T10:00');
    assert.equal(result.outcome, 'caller-hung-up');
    const heard = result.requests.at(-1)!.twiml;
    assert.match(heard, /今天是春节假期/);
    assert.match(heard, /下次办公时间是2月3日星期一上午8点半/);
    assert.match(heard, /自助预约请按1；查询或取消预约请按2；预约回电请按3/);
  });

  it('when 2020-02-03 10:00 (back to work), then 0 queues for a person', async () => {
    const result = await askForPerson('2020-02-03T10:00');
    assert.equal(result.outcome, 'queue');
  });

  it('when 2020-09-27 (a Sunday that was a working day), then 0 queues for a person', async () => {
    const result = await askForPerson('2020-09-27T10:00');
    assert.equal(result.outcome, 'queue');
  });

  it('when 2020-10-01 (National Day), then closed for 国庆节 until 10月9日', async () => {
    const result = await askForPerson('2020-10-01T10:00');
    const heard = result.requests.at(-1)!.twiml;
    assert.match(heard, /今天是国庆节假期/);
    assert.match(heard, /下次办公时间是10月9日星期五上午8点半/);
  });

  it('when an ordinary Saturday (2020-10-17), then the weekend, reopening Monday', async () => {
    const heard = (await askForPerson('2020-10-17T10:00')).requests.at(-1)!.twiml;
    assert.match(heard, /今天是周末/);
    assert.match(heard, /下次办公时间是10月19日星期一上午8点半/);
  });

  it('when 12:00 on a working day in a hall that closes for lunch, then closed until 今天下午1点; a hall open all day queues', async () => {
    const heard = (await askForPerson('2020-02-04T12:00')).requests.at(-1)!.twiml;
    assert.match(heard, /现在是双鸭山市市民服务中心的午休时间/);
    assert.match(heard, /下次办公时间是今天下午1点/);
    assert.match(heard, /办公时间是工作日上午8点半至11点半，下午1点至4点半/);
    assert.equal((await askForPerson('2020-02-04T12:00', allDayHotline)).outcome, 'queue');
  });

  it('when staff closed the hall for the day, then the closure reason is said', async () => {
    await ivr.runtime.calendar.addClosure({
      hallId: 'citizen-centre',
      startsOn: '2020-07-21',
      endsOn: '2020-07-21',
      reason: '全面消毒',
      createdBy: 'test',
    });
    const heard = (await askForPerson('2020-07-21T10:00')).requests.at(-1)!.twiml;
    assert.match(heard, /因全面消毒暂停对外办公/);
  });

  it('when 2027-01-01 (元旦, a year no notice covers yet), then closed for 元旦, the missing 调休 notice said, and readiness warns', async () => {
    const result = await askForPerson('2027-01-01T10:00');
    assert.notEqual(result.outcome, 'queue');
    const heard = result.requests.at(-1)!.twiml;
    assert.match(heard, /今天是元旦假期/);
    assert.match(heard, /今年的调休安排尚未录入/);
    assert.match(heard, /下次办公时间是1月4日星期一上午8点半/);
    const ready = (await (await fetch(`${ivr.url}/readyz`)).json()) as {
      checks: { holidays?: { warnings?: string[] } };
    };
    assert.ok(
      (ready.checks.holidays?.warnings ?? []).some((w) =>
        w.includes('2027 调休 notice is not yet entered'),
      ),
      JSON.stringify(ready.checks.holidays),
    );
  });

  it('when 2027-02-08 (正月初三), then closed for 春节 rather than queued', async () => {
    const heard = (await askForPerson('2027-02-08T10:00')).requests.at(-1)!.twiml;
    assert.match(heard, /今天是春节假期/);
  });

  describe('补假 in a year no notice covers (2032, 劳动节 on a weekend)', () => {
    before(() =>
      assert.equal(
        ivr.runtime.calendar.coverage(2032),
        'none',
        'the test needs 2032 without package data or staff entries',
      ),
    );

    it('when 2032-05-02 (劳动节, a Sunday), then the two possible 补假 days are said to depend on the notice, and no opening on them is promised', async () => {
      const heard = (await askForPerson('2032-05-02T10:00')).requests.at(-1)!.twiml;
      assert.match(heard, /今天是劳动节假期/);
      assert.doesNotMatch(heard, /下次办公时间是(明天|5月3日)/);
      assert.match(
        heard,
        /5月3日星期一、5月4日星期二可能是法定节假日的补假日，是否办公请以当年的放假通知为准/,
      );
      assert.match(heard, /确定的下次办公时间是5月5日星期三上午8点半/);
    });

    it('when 10:00 on 2032-05-03 (a possible 补假 day), then the caller is not queued as if the hall were open, and is told why', async () => {
      const result = await askForPerson('2032-05-03T10:00');
      assert.notEqual(result.outcome, 'queue');
      const heard = result.requests.at(-1)!.twiml;
      assert.match(
        heard,
        /今天可能是劳动节补假日，双鸭山市市民服务中心是否办公请以当年的放假通知为准/,
      );
      assert.match(heard, /确定的下次办公时间是5月5日星期三上午8点半/);
    });
  });

  it('when a callback is asked after hours, then it is stored for the next opening and the caller is told when', async () => {
    ivr.setTime('2020-10-01T10:00');
    const result = await ivr.call({ to: lunchHotline, inputs: keys('3') });
    assert.equal(result.outcome, 'hangup');
    assert.match(
      result.requests.at(-1)!.twiml,
      /我们将在10月9日星期五上午8点半以后，拨打您尾号1234的来电号码给您回电/,
    );
    const callbackRepository = await import('../../src/callbacks/callbacks-repository.js');
    const due = await callbackRepository.listDueCallbacks(
      ivr.runtime.database.db,
      ['cc-general'],
      new Date('2020-10-09T01:00:00Z'),
      50,
    );
    const request = due.find((r) => r.callSid === result.requests[0]!.params.CallSid);
    assert.ok(request, 'a pending callback request');
    assert.equal(request.notBefore.toISOString(), '2020-10-09T00:30:00.000Z');
    assert.equal((await ivr.runtime.ledger.find(request.callSid))?.callbackRequested, true);
  });
});
