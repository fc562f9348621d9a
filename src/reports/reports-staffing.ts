import type { Catalogue } from '../catalogue/index.js';
import { agentsNeeded } from './erlang-c.js';
import type { PeriodSpan, ReportFigures } from './reports-figures.js';

const HALF_HOUR_SECONDS = 1800;

/** One department and half hour of a working day in the staffing plan. */
export interface StaffingRow {
  departmentId: string;
  departmentName: string;
  hallName: string;
  /** 0–47; 17 is 08:30–08:59. */
  halfHour: number;
  /** "08:30". */
  time: string;
  /** Mean calls queued in this half hour per day with calls. */
  callsPerHalfHour: number;
  /** Mean talk + after-call seconds per answered call. */
  handleSeconds: number;
  trafficErlangs: number;
  agentsNeeded: number;
  serviceLevel: number;
  expectedWaitSeconds: number;
  occupancy: number;
  /** Mean agents logged in (not offline) with this department's skill in this half hour. */
  agentsLoggedIn: number;
}

export const halfHourTime = (halfHour: number) =>
  `${String(Math.floor(halfHour / 2)).padStart(2, '0')}:${halfHour % 2 ? '30' : '00'}`;

/**
 * An Erlang C staffing plan from the calls that queued in the span: per department and half
 * hour, the fewest agents that reach `goal` within `targetSeconds`, their expected wait and
 * occupancy, beside the agents who were logged in.
 */
export async function staffingPlan(
  deps: { figures: ReportFigures; catalogue: Catalogue; now: Date },
  span: PeriodSpan,
  settings: { targetSeconds: number; goal: number },
): Promise<{ days: number; rows: StaffingRow[] }> {
  const [load, online] = await Promise.all([
    deps.figures.staffingLoad(span),
    deps.figures.loggedInSeconds(span, deps.now),
  ]);
  const days = load.days;
  if (days === 0) return { days, rows: [] };
  const department = new Map<string, { answered: number; handle: number }>();
  for (const row of load.rows) {
    const total = department.get(row.department_id) ?? { answered: 0, handle: 0 };
    total.answered += row.answered;
    total.handle += row.handle_seconds;
    department.set(row.department_id, total);
  }
  const loggedIn = new Map(online.map((r) => [`${r.department_id}/${r.half_hour}`, r.seconds]));
  const rows = load.rows.map((row): StaffingRow => {
    const whole = department.get(row.department_id)!;
    // A half hour without an answered call borrows the department's handling time.
    const handleSeconds =
      row.answered > 0
        ? row.handle_seconds / row.answered
        : whole.answered > 0
          ? whole.handle / whole.answered
          : 0;
    const callsPerHalfHour = row.queued / days;
    const level = agentsNeeded({
      callsPerInterval: callsPerHalfHour,
      handleSeconds,
      intervalSeconds: HALF_HOUR_SECONDS,
      targetSeconds: settings.targetSeconds,
      goal: settings.goal,
    });
    const place = deps.catalogue.department(row.department_id);
    return {
      departmentId: row.department_id,
      departmentName: place?.department.name ?? row.department_id,
      hallName: place?.hall.name ?? '',
      halfHour: row.half_hour,
      time: halfHourTime(row.half_hour),
      callsPerHalfHour,
      handleSeconds,
      trafficErlangs: level.traffic,
      agentsNeeded: level.agents,
      serviceLevel: level.serviceLevel,
      expectedWaitSeconds: level.expectedWaitSeconds,
      occupancy: level.occupancy,
      agentsLoggedIn:
        (loggedIn.get(`${row.department_id}/${row.half_hour}`) ?? 0) / HALF_HOUR_SECONDS / days,
    };
  });
  rows.sort(
    (a, b) =>
      a.hallName.localeCompare(b.hallName, 'zh') ||
      a.departmentId.localeCompare(b.departmentId) ||
      a.halfHour - b.halfHour,
  );
  return { days, rows };
}
