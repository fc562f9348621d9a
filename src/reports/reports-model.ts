import type { StaffingRow } from './reports-staffing.js';
import type { PeriodViews } from './reports-views.js';

/** Counts that add up across hotlines; ratios are derived from them, never averaged. */
export interface CallCounts {
  offered: number;
  answered: number;
  answeredInTarget: number;
  selfServed: number;
  abandonedInIvr: number;
  abandonedInQueue: number;
  shortAbandons: number;
  callbacksRequested: number;
  callbacksCompleted: number;
  /** Callback requests dialled at least once, and those given up without reaching the citizen. */
  callbacksPlaced: number;
  callbacksNotReached: number;
  /** Answered calls an agent transferred (each transfer counts). */
  transfers: number;
  queueSecondsAnswered: number;
  talkSeconds: number;
  /** Agents' wrap-up seconds after these calls. */
  afterCallSeconds: number;
  inProgress: number;
  /** Outcomes agents recorded for these calls. */
  consultations: number;
  completedByPhone: number;
}

/** Booking figures, by the department of the booked service (they belong to no hotline). */
export interface BookingCounts {
  /** Bookings (not cancelled) for the period's days, by the channel they came through. */
  bookingsPhone: number;
  bookingsIvr: number;
  bookingsWeb: number;
  bookingsWechat: number;
  bookingsWalkIn: number;
  /** Places in the open slots of the period's days, and how many are booked. */
  slotCapacity: number;
  slotBooked: number;
  noShows: number;
}

/** One row of a report: counts plus the ratios derived from them. */
export interface StatsRow extends CallCounts {
  /** Answered within the target / (answered + abandoned in queue after the short-abandon threshold); null with no queued calls. */
  serviceLevel: number | null;
  /** Average speed of answer: mean seconds in queue of answered calls. */
  asaSeconds: number | null;
  /** Mean talk seconds of answered calls (the export's 平均通话时长). */
  ahtSeconds: number | null;
  /** Average handling time: (talk + after-call work) ÷ answered; hold is not measured. */
  handleSeconds: number | null;
  /** Abandoned in queue after the short-abandon threshold ÷ (answered + those abandons). */
  abandonRate: number | null;
}

export interface HotlineStats extends StatsRow {
  hotline: string;
  hotlineName: string;
  hallName: string;
  departmentId: string;
  departmentName: string;
}

export interface DepartmentStats extends StatsRow, BookingCounts {
  /** Booked places ÷ places, null without slots. */
  capacityUse: number | null;
  departmentId: string;
  departmentName: string;
  hallName: string;
}

/** The recorded history: from the first recorded call to now. */
export interface HistoryCoverage {
  /** First day with a recorded call, null before any. */
  firstDay: string | null;
  /** Last day with a recorded call, null before any: with firstDay, where a page can send someone who finds a period empty. */
  lastDay: string | null;
  /** What part of the period lies outside the history, in Chinese; null when none does. */
  note: string | null;
}

/** Statistics of one period: per hotline (all 27, zeros included), per department and in total, and the other views. */
export interface PeriodReport extends PeriodViews {
  from: string;
  to: string;
  /** How a person names the period: 2020年3月, 2020年2月3日至5月31日. */
  label: string;
  /** When these figures were read from the ledger (ISO 8601, +08:00). */
  madeAt: string;
  history: HistoryCoverage;
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
  byHotline: HotlineStats[];
  byDepartment: DepartmentStats[];
  total: StatsRow & BookingCounts & { capacityUse: number | null };
}

/**
 * `GET /api/reports/period`: the report, the sentence the bureau quotes, and the figures of the
 * other components' sections, each under its name (see `ReportSection`).
 */
export type PeriodReportBody = PeriodReport & { summary: string } & Record<string, unknown>;

/** A period's files, made on demand. */
export interface PeriodExport {
  csv: Buffer;
  xlsx: Buffer;
  report: PeriodReport;
  staffing: StaffingPlan;
}

export interface StaffingPlan {
  from: string;
  to: string;
  /** Days with calls that the averages are over. */
  days: number;
  serviceLevelSeconds: number;
  serviceLevelGoal: number;
  rows: StaffingRow[];
}
