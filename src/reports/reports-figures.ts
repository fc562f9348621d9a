/*
 * The figures a period report and a staffing plan are made from, as rows: what the service
 * reads. The service reads them from the rollups (reports-rollup-service.ts); the tests read
 * the same rows straight from the ledger, by the published definitions, and hold both equal.
 */

/** The days of a period: [start, end) as instants, fromDay–toDay as dates (Asia/Shanghai). */
export interface PeriodSpan {
  start: Date;
  end: Date;
  fromDay: string;
  toDay: string;
}

/** The thresholds a figure is counted with. */
export interface Thresholds {
  targetSeconds: number;
  shortAbandonSeconds: number;
}

/** Call counts of one hotline over a period. */
export interface CallCountsRow {
  hotline_number: string;
  offered: number;
  answered: number;
  answered_in_target: number;
  self_served: number;
  abandoned_in_ivr: number;
  abandoned_in_queue: number;
  short_abandons: number;
  callbacks_requested: number;
  queue_seconds_answered: number;
  talk_seconds: number;
  in_progress: number;
}

/** All figures of one hotline over a period: its calls, their extras and outcomes, and the callbacks asked for in the period that were completed. */
export interface HotlineRow extends CallCountsRow {
  transfers: number;
  callbacks_placed: number;
  callbacks_given_up: number;
  after_call_seconds: number;
  consultations: number;
  completed_by_phone: number;
  callbacks_completed: number;
}

export interface AgentRow {
  agent_id: string;
  agent_name: string;
  handled: number;
  talk_seconds: number;
  after_call_seconds: number;
  consultations: number;
  completed_by_phone: number;
  bookings: number;
  other: number;
  transfers: number;
}

export interface StaffingLoadRow {
  department_id: string;
  half_hour: number;
  queued: number;
  answered: number;
  handle_seconds: number;
}

/** What a report needs from the store, for the days about to be read. */
export type FigureUse = 'period' | 'staffing';

/** Every figure of a period, each as the rows of one set-based read. */
export interface ReportFigures {
  /** Makes the figures of the span's days current before they are read (a no-op for the raw ledger). */
  prepare(span: PeriodSpan, use: FigureUse): Promise<void>;
  /**
   * Per hotline: inbound calls to it that arrived in the span (rejected calls are not offered
   * calls) with their transfers, callbacks, after-call seconds and outcomes; callbacks completed
   * among requests made in the span. A hotline with none of these may be missing.
   */
  countByHotline(span: PeriodSpan): Promise<HotlineRow[]>;
  /** Bookings (not cancelled) for the span's days, per department and channel. */
  countBookingsByChannel(
    span: PeriodSpan,
  ): Promise<Array<{ department_id: string; channel: string; bookings: number }>>;
  /** Places, places booked and no-shows of the span's days, per department with open slots. */
  countSlotUse(
    span: PeriodSpan,
  ): Promise<Array<{ department_id: string; capacity: number; booked: number; no_shows: number }>>;
  /** Per agent: legs answered in the span, talk and after-call seconds, outcomes by kind, transfers made. */
  countByAgent(span: PeriodSpan): Promise<AgentRow[]>;
  /** Per service the agents named: consultations, items completed by phone and, of those, by post. */
  countByService(span: PeriodSpan): Promise<
    Array<{
      service_id: string | null;
      consultations: number;
      completed_by_phone: number;
      by_post: number;
    }>
  >;
  /** Arrivals, answered and queue abandons (short ones included) by half hour of the day. */
  countByHalfHour(
    span: PeriodSpan,
  ): Promise<Array<{ half_hour: number; arrivals: number; answered: number; abandoned: number }>>;
  /** Per day: offered, answered, answered within the target, queue abandons after the short-abandon threshold. */
  countByDay(span: PeriodSpan): Promise<
    Array<{
      day: string;
      offered: number;
      answered: number;
      answered_in_target: number;
      abandoned_in_queue: number;
    }>
  >;
  /** The staffing plan's load per queue department and half hour, and the number of days that had calls. */
  staffingLoad(span: PeriodSpan): Promise<{ days: number; rows: StaffingLoadRow[] }>;
  /** Agent-seconds logged in (any state but offline) per department of the agents' skills and half hour. */
  loggedInSeconds(
    span: PeriodSpan,
    now: Date,
  ): Promise<Array<{ department_id: string; half_hour: number; seconds: number }>>;
}
