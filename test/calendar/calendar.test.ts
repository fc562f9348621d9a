import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import {
  readScheduleFile,
  statutoryHolidays,
  type DayInfo,
  type WorkCalendar,
} from '../../src/calendar/index.js';
import { createFixedClock, ZONE } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestRuntime } from '../support/env.js';

const shanghai = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();
const pick = (day: DayInfo) => ({ working: day.working, kind: day.kind as string, name: day.name });

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
    assert.equal(
      DateTime.fromJSDate(at.nextOpening!, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm'),
      `2020-06-15 ${hall.hours[0]!.from}`,
    );
  });

  it('when 12:00 on a working day, then a hall with a lunch break is closed until its afternoon session and one without is open', () => {
    const lunch = calendar.openAt(lunchHall, shanghai('2020-06-15T12:00'));
    assert.equal(lunch.open, false);
    const afternoon = runtime.catalogue.hall(lunchHall)!.hours[1]!.from;
    assert.equal(
      DateTime.fromJSDate(lunch.nextOpening!, { zone: ZONE }).toFormat('HH:mm'),
      afternoon,
    );
    assert.equal(calendar.openAt(allDayHall, shanghai('2020-06-15T12:00')).open, true);
  });

  describe('a year no notice covers (2027, no staff entries)', () => {
    // The statutory holidays of 《全国年节及纪念日放假办法》 (2024): law before any yearly notice.
    const table: Array<[date: string, name: string]> = [
      ['2027-01-01', '元旦'],
      ['2027-02-05', '春节'], // 除夕
      ['2027-02-08', '春节'], // 正月初三
      ['2027-04-05', '清明'],
      ['2027-05-01', '劳动节'],
      ['2027-05-02', '劳动节'],
      ['2027-06-09', '端午'],
      ['2027-09-15', '中秋'],
      ['2027-10-01', '国庆节'],
      ['2027-10-02', '国庆节'],
      ['2027-10-03', '国庆节'],
    ];

    before(() => {
      assert.equal(
        calendar.coverage(2027),
        'none',
        'the test needs 2027 without package data or staff entries',
      );
    });

    for (const [date, name] of table) {
      it(`when ${date}, then the statutory holiday ${name} and halls closed at 10:00`, () => {
        const day = calendar.day(date);
        assert.deepEqual(
          { working: day.working, kind: day.kind, name: day.name, source: day.source },
          { working: false, kind: 'holiday', name, source: 'statutory' },
        );
        const at = calendar.openAt(allDayHall, shanghai(`${date}T10:00`));
        assert.equal(at.open, false);
        assert.equal(at.guessed, true);
      });
    }

    it('when an ordinary Tuesday (2027-03-16), then a working day by the weekday rule and halls open', () => {
      const day = calendar.day('2027-03-16');
      assert.deepEqual(
        { working: day.working, kind: day.kind, source: day.source },
        { working: true, kind: 'workday', source: 'statutory' },
      );
      assert.equal(calendar.openAt(allDayHall, shanghai('2027-03-16T10:00')).open, true);
    });

    it('when 2027-10-04 (after 国庆节 with 10-02/03 on the weekend), then a possible 补假 day, not a working day', () => {
      assert.deepEqual(pick(calendar.day('2027-10-04')), {
        working: false,
        kind: 'uncertain',
        name: '国庆节补假',
      });
    });

    it('when closed on 除夕, then the next certain opening is after the two 补假 days of 初一 and 初二 (a weekend)', () => {
      const at = calendar.openAt(allDayHall, shanghai('2027-02-05T10:00'));
      assert.deepEqual(at.uncertainDays, ['2027-02-09', '2027-02-10']);
      assert.equal(DateTime.fromJSDate(at.nextOpening!, { zone: ZONE }).toISODate(), '2027-02-11');
    });

    it('when the clock is in 2027, then readiness and the start-up log say the 2027 调休 notice is not yet entered', () => {
      clock.set(shanghai('2027-03-02T10:00'));
      try {
        const warnings = calendar.coverageWarnings();
        assert.ok(
          warnings.some((w) => w.includes('2027 调休 notice is not yet entered')),
          warnings.join('\n'),
        );
      } finally {
        clock.set(shanghai('2020-06-01T09:00'));
      }
    });

    it('when the clock is in a covered year before December, then no warning', () => {
      assert.deepEqual(calendar.coverageWarnings(), []);
    });
  });

  describe('补假 in a year no notice covers (2032): 《全国年节及纪念日放假办法》第六条', () => {
    // 2032: 清明 04-04 is a Sunday, 劳动节 05-01/02 a weekend, 端午 06-12 a Saturday, 中秋 09-19 a
    // Sunday, 国庆节 10-02/03 a weekend; 春节 02-10..13 are weekdays.
    before(() => {
      assert.equal(
        calendar.coverage(2032),
        'none',
        'the test needs 2032 without package data or staff entries',
      );
    });

    const table: Array<[date: string, expected: ReturnType<typeof pick>]> = [
      ['2032-04-05', { working: false, kind: 'uncertain', name: '清明补假' }],
      ['2032-04-06', { working: true, kind: 'workday', name: undefined }],
      ['2032-05-03', { working: false, kind: 'uncertain', name: '劳动节补假' }],
      ['2032-05-04', { working: false, kind: 'uncertain', name: '劳动节补假' }],
      ['2032-05-05', { working: true, kind: 'workday', name: undefined }],
      ['2032-06-14', { working: false, kind: 'uncertain', name: '端午补假' }],
      ['2032-09-20', { working: false, kind: 'uncertain', name: '中秋补假' }],
      ['2032-10-04', { working: false, kind: 'uncertain', name: '国庆节补假' }],
      ['2032-10-05', { working: false, kind: 'uncertain', name: '国庆节补假' }],
      ['2032-10-06', { working: true, kind: 'workday', name: undefined }],
      ['2032-02-16', { working: true, kind: 'workday', name: undefined }],
    ];
    for (const [date, expected] of table) {
      it(`when ${date}, then ${expected.kind === 'uncertain' ? `a possible ${expected.name} day, no hall said to be open` : 'an ordinary working day'}`, () => {
        assert.deepEqual(pick(calendar.day(date)), expected);
        assert.equal(calendar.day(date).source, 'statutory');
        assert.equal(calendar.hallDay(allDayHall, date).open, expected.working);
      });
    }

    it('when closed on 劳动节, then the two possible 补假 days are named and the next certain opening follows them', () => {
      const at = calendar.openAt(allDayHall, shanghai('2032-05-02T10:00'));
      assert.equal(at.open, false);
      assert.deepEqual(at.uncertainDays, ['2032-05-03', '2032-05-04']);
      assert.equal(DateTime.fromJSDate(at.nextOpening!, { zone: ZONE }).toISODate(), '2032-05-05');
    });

    it('when 10:00 on a possible 补假 day, then the hall is not said to be open', () => {
      const at = calendar.openAt(allDayHall, shanghai('2032-05-03T10:00'));
      assert.equal(at.open, false);
      assert.equal(at.day.kind, 'uncertain');
      assert.deepEqual(at.uncertainDays, ['2032-05-04']);
    });

    it('when the whole of 2032 is read, then one possible 补假 day per statutory day on a weekend (7), and no other', () => {
      const uncertain: string[] = [];
      for (let d = DateTime.fromISO('2032-01-01'); d.year === 2032; d = d.plus({ days: 1 })) {
        if (calendar.day(d.toISODate()!).kind === 'uncertain') uncertain.push(d.toISODate()!);
      }
      assert.deepEqual(uncertain, [
        '2032-04-05',
        '2032-05-03',
        '2032-05-04',
        '2032-06-14',
        '2032-09-20',
        '2032-10-04',
        '2032-10-05',
      ]);
    });
  });

  it('when a year beyond the lunar tables (2150), then only the solar statutory holidays are closed', () => {
    assert.equal(calendar.day('2150-10-01').name, '国庆节');
    assert.equal(calendar.day('2150-01-01').name, '元旦');
    assert.ok(
      [...statutoryHolidays(2150).values()].every(
        (name) => !['春节', '端午', '中秋'].includes(name),
      ),
    );
  });

  it('when the example schedule file is read, then it is valid and its holidays are the statutory ones of 2027', () => {
    const file = readScheduleFile('examples/holidays-2027.yaml');
    assert.equal(file.year, 2027);
    const holidays = new Map(
      file.days.filter((d) => d.kind === 'holiday').map((d) => [d.date, d.name]),
    );
    assert.deepEqual(holidays, new Map(statutoryHolidays(2027)));
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
    const closure = await calendar.addClosure({
      hallId: lunchHall,
      startsOn: '2020-06-16',
      endsOn: '2020-06-16',
      reason: '全面消杀',
      createdBy: 'admin',
    });
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
    await assert.rejects(
      calendar.addClosure({
        hallId: lunchHall,
        startsOn: '2020-06-18',
        endsOn: '2020-06-17',
        reason: 'x',
        createdBy: 'admin',
      }),
      /endsOn/,
    );
  });
});
