import type { Catalogue } from '../catalogue/index.js';
import type { PeriodSpan, ReportFigures } from './reports-figures.js';
import { halfHourTime } from './reports-staffing.js';

/** One agent's work in a period. Agents are shown by their display name (the username when none is set). */
export interface AgentStats {
  agentId: string;
  /** The name shown: the display name, or the username when none is set. */
  name: string;
  handled: number;
  talkSeconds: number;
  /** Hold is not measured (the softphone has no hold); always null. */
  holdSeconds: null;
  afterCallSeconds: number;
  /** (talk + after-call) ÷ handled. */
  handleSeconds: number | null;
  consultations: number;
  completedByPhone: number;
  bookings: number;
  other: number;
  transfers: number;
}

/** Outcomes by the service the agent named. */
export interface ServiceStats {
  serviceId: string | null;
  serviceName: string;
  departmentName: string;
  hallName: string;
  consultations: number;
  completedByPhone: number;
  /** Of the items completed by phone, those whose result is posted. */
  completedByPost: number;
}

export interface HalfHourStats {
  halfHour: number;
  time: string;
  arrivals: number;
  answered: number;
  abandoned: number;
}

export interface DayStats {
  day: string;
  offered: number;
  answered: number;
  abandonedInQueue: number;
  serviceLevel: number | null;
}

/** The views beside the per-hotline table. */
export interface PeriodViews {
  byAgent: AgentStats[];
  byService: ServiceStats[];
  /** All 48 half hours, zeros included. */
  byHalfHour: HalfHourStats[];
  /** Every day of the period, zeros included. */
  byDay: DayStats[];
}

/** Loads the per-agent, per-service, half-hour and daily views of the span; `days` lists the days the daily view shows. */
export async function loadViews(
  deps: { figures: ReportFigures; catalogue: Catalogue },
  span: PeriodSpan,
  days: string[],
): Promise<PeriodViews> {
  const { figures, catalogue } = deps;
  const [agents, services, halfHours, byDay] = await Promise.all([
    figures.countByAgent(span),
    figures.countByService(span),
    figures.countByHalfHour(span),
    figures.countByDay(span),
  ]);
  const halfHour = new Map(halfHours.map((r) => [r.half_hour, r]));
  const day = new Map(byDay.map((r) => [r.day, r]));
  return {
    byAgent: agents.map((r) => ({
      agentId: r.agent_id,
      name: r.agent_name,
      handled: r.handled,
      talkSeconds: r.talk_seconds,
      holdSeconds: null,
      afterCallSeconds: r.after_call_seconds,
      handleSeconds: r.handled > 0 ? (r.talk_seconds + r.after_call_seconds) / r.handled : null,
      consultations: r.consultations,
      completedByPhone: r.completed_by_phone,
      bookings: r.bookings,
      other: r.other,
      transfers: r.transfers,
    })),
    byService: services
      .map((r) => {
        const place = r.service_id ? catalogue.service(r.service_id) : undefined;
        return {
          serviceId: r.service_id,
          serviceName: place?.service.name ?? (r.service_id ? r.service_id : '未指定事项'),
          departmentName: place?.department.name ?? '',
          hallName: place?.hall.name ?? '',
          consultations: r.consultations,
          completedByPhone: r.completed_by_phone,
          completedByPost: r.by_post,
        };
      })
      .sort(
        (a, b) =>
          b.consultations + b.completedByPhone - (a.consultations + a.completedByPhone) ||
          a.serviceName.localeCompare(b.serviceName, 'zh'),
      ),
    byHalfHour: Array.from({ length: 48 }, (_, i) => ({
      halfHour: i,
      time: halfHourTime(i),
      arrivals: halfHour.get(i)?.arrivals ?? 0,
      answered: halfHour.get(i)?.answered ?? 0,
      abandoned: halfHour.get(i)?.abandoned ?? 0,
    })),
    byDay: days.map((d) => {
      const r = day.get(d);
      const queued = (r?.answered ?? 0) + (r?.abandoned_in_queue ?? 0);
      return {
        day: d,
        offered: r?.offered ?? 0,
        answered: r?.answered ?? 0,
        abandonedInQueue: r?.abandoned_in_queue ?? 0,
        serviceLevel: queued > 0 ? r!.answered_in_target / queued : null,
      };
    }),
  };
}
