import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { WorkCalendar } from '../../src/calendar/index.js';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime } from '../support/env.js';

const shanghai = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();

describe('work calendar', () => {
  let runtime: Runtime;
  let calendar: WorkCalendar;
  const clock = createFixedClock(shanghai('2020-06-01T09:00'));
  // A hall that closes for lunch (two sessions) and one that does not.
  let lunchHall: string;
  let allDayHall: string;

  before(async () => {
    runtime = await createTestRuntime({ clock });
    calendar = runtime.calendar;
    lunchHall = runtime.catalogue.halls.find((h) => h.hours.length > 1)!.id;
    allDayHall = runtime.catalogue.halls.find((h) => h.hours.length === 1)!.id;
  });

  it('when 2020-01-31 (the epidemic extension of the Spring Festival), then a holiday and every hall closed', () => {
    const day = calendar.day('2020-01-31');
    assert.equal(day.working, false);
    assert.equal(day.kind, 'holiday');
    assert.equal(day.name, '春节');
    assert.equal(calendar.openAt(lunchHall, shanghai('2020-01-31T10:00')).open, false);
  });

  it('when 2020-02-03 (back to work after the extension), then a working day and halls open at 10:00', () => {
    assert.equal(calendar.day('2020-02-03').working, true);
    assert.equal(calendar.openAt(lunchHall, shanghai('2020-02-03T10:00')).open, true);
  });

  it('when 2020-09-27 (a Sunday made a working day), then halls open', () => {
    const day = calendar.day('2020-09-27');
    assert.equal(day.kind, 'adjusted-workday');
    assert.equal(day.working, true);
    assert.equal(calendar.openAt(allDayHall, shanghai('2020-09-27T10:00')).open, true);
  });

  it('when 2020-10-01 (National Day), then closed, and the next opening is after the holiday', () => {
    const at = calendar.openAt(lunchHall, shanghai('2020-10-01T10:00'));
    assert.equal(at.open, false);
    assert.equal(at.day.name, '国庆节');
    // 2020-10-10 (Saturday) was the make-up working day after the 1-8 October holiday.
    assert.equal(DateTime.fromJSDate(at.nextOpening!, { zone: ZONE }).toISODate(), '2020-10-09');
  });

  it('when an ordinary Saturday, then closed until Monday morning', () => {
    const at = calendar.openAt(lunchHall, shanghai('2020-06-13T10:00'));
    assert.equal(at.open, false);
    assert.equal(at.day.kind, 'weekend');
    const hall = runtime.catalogue.hall(lunchHall)!;
    assert.equal(DateTime.fromJSDate(at.nextOpening!, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm'), `2020-06-15 ${hall.hours[0]!.from}`);
  });

  it('when 12:00 on a working day, then a hall with a lunch break is closed until its afternoon session and one without is open', () => {
    const lunch = calendar.openAt(lunchHall, shanghai('2020-06-15T12:00'));
    assert.equal(lunch.open, false);
    const afternoon = runtime.catalogue.hall(lunchHall)!.hours[1]!.from;
    assert.equal(DateTime.fromJSDate(lunch.nextOpening!, { zone: ZONE }).toFormat('HH:mm'), afternoon);
    assert.equal(calendar.openAt(allDayHall, shanghai('2020-06-15T12:00')).open, true);
  });

  it('when a year is covered by neither the package nor staff, then weekday rules are used, flagged as a guess, and readiness warns', async () => {
    const year = 2099;
    const day = calendar.day(`${year}-01-01`);
    assert.equal(day.source, 'weekday-rule');
    assert.equal(calendar.coverage(year), 'none');
    clock.set(shanghai(`${year}-03-02T10:00`));
    try {
      assert.equal(calendar.openAt(lunchHall, clock.now()).guessed, true);
      assert.ok(calendar.coverageWarnings().some((w) => w.includes(String(year))));
    } finally {
      clock.set(shanghai('2020-06-01T09:00'));
    }
  });

  it('when staff enter a year from the notice, then their holidays and make-up days take precedence', async () => {
    await calendar.enterYear({
      year: 2098,
      reference: '国办发明电〔2097〕1号',
      enteredBy: 'admin',
      days: [
        { date: '2098-01-01', kind: 'holiday', name: '元旦' },
        { date: '2098-01-04', kind: 'workday', name: '元旦调休上班' },
      ],
    });
    assert.equal(calendar.coverage(2098), 'staff');
    assert.equal(calendar.day('2098-01-01').working, false);
    const makeUp = calendar.day('2098-01-04');
    assert.equal(makeUp.working, true);
    assert.equal(makeUp.reference, '国办发明电〔2097〕1号');
    assert.equal(calendar.day('2098-01-05').source, 'staff');
  });

  it('when staff close a hall for a day, then it is closed that day and only that hall', async () => {
    const closure = await calendar.addClosure({ hallId: lunchHall, startsOn: '2020-06-16', endsOn: '2020-06-16', reason: '全面消杀', createdBy: 'admin' });
    try {
      const closed = calendar.hallDay(lunchHall, '2020-06-16');
      assert.equal(closed.open, false);
      assert.equal(closed.closure?.reason, '全面消杀');
      assert.equal(calendar.hallDay(allDayHall, '2020-06-16').open, true);
    } finally {
      await calendar.removeClosure(closure.id);
    }
    assert.equal(calendar.hallDay(lunchHall, '2020-06-16').open, true);
  });

  it('when a closure ends before it starts, then it is refused', async () => {
    await assert.rejects(calendar.addClosure({ hallId: lunchHall, startsOn: '2020-06-18', endsOn: '2020-06-17', reason: 'x', createdBy: 'admin' }), /endsOn/);
  });
});
