import { sql } from 'drizzle-orm';

/*
 * The SQL fragments the rollups' statements share: instants, days and half hours in Beijing
 * time, and which calls count as offered.
 */

/** Days a rebuild covers: [start, end) as instants, fromDay–toDay as dates. */
export interface DayRun {
  fromDay: string;
  toDay: string;
  start: Date;
  end: Date;
}

export const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
export const inRun = (column: string, run: DayRun) =>
  sql`${sql.raw(column)} >= ${at(run.start)} and ${sql.raw(column)} < ${at(run.end)}`;
export const dayOf = (column: string) =>
  sql`(${sql.raw(column)} at time zone 'Asia/Shanghai')::date`;
/** Half hour of the day, 0–47, Beijing time. */
export const halfHourOf = (column: string) =>
  sql`(extract(hour from ${sql.raw(column)} at time zone 'Asia/Shanghai')::int * 2 + (extract(minute from ${sql.raw(column)} at time zone 'Asia/Shanghai') >= 30)::int)`;
/** Inbound calls to a hotline (rejected calls to other numbers are not offered calls; training calls are not calls of the hotline). */
export const offeredCall = sql`c.direction = 'inbound' and c.hotline_number is not null and c.end_reason is distinct from 'rejected' and not c.training`;
/** An agent's leg of a real call (not of a training call). */
export const realLeg = sql`not exists (select 1 from calls t where t.call_sid = ac.call_sid and t.training)`;
/** When an agent's after-call work ended: the outcome recorded, or the wrap-up running out. */
export const afterCallEnd = sql`coalesce(o.recorded_at, ac.wrap_up_ended_at)`;
export const daysBetween = (fromDay: string, toDay: string) =>
  sql`day between ${fromDay}::date and ${toDay}::date`;
