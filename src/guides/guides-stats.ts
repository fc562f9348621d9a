import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE } from '../platform/clock.js';
import { queryRows, type Database } from '../platform/db.js';

/** Consultations of a period and the guides that answered them. */
export interface GuideReport {
  from: string;
  to: string;
  /** Consultation outcomes recorded for calls of the period. */
  consultations: number;
  /** Of those, answered with a guide (the outcome names it). */
  withGuide: number;
  withoutGuide: number;
  /** Guides sent to callers by SMS. */
  smsSent: number;
  /** The most-asked services (by consultations), with how many a guide answered and how many SMS went out. */
  topServices: Array<{
    service: string;
    name: string;
    consultations: number;
    withGuide: number;
    smsSent: number;
  }>;
}

/** The guides' figures over whole days `from`..`to` (Beijing time), by when the outcome was recorded and the SMS asked for. */
export async function guideReport(
  deps: { db: Database; catalogue: Catalogue },
  from: string,
  to: string,
  top = 10,
): Promise<GuideReport> {
  const start = DateTime.fromISO(from, { zone: ZONE }).startOf('day').toJSDate().toISOString();
  const end = DateTime.fromISO(to, { zone: ZONE })
    .plus({ days: 1 })
    .startOf('day')
    .toJSDate()
    .toISOString();
  const rows = await queryRows<{
    service_id: string | null;
    consultations: number;
    with_guide: number;
    sms: number;
  }>(
    deps.db,
    sql`with c as (
          select coalesce(details->>'guideServiceId', service_id) as service_id, count(*)::int as consultations, count(details->>'guideServiceId')::int as with_guide
          from call_outcomes where kind = 'consultation' and recorded_at >= ${start}::timestamptz and recorded_at < ${end}::timestamptz group by 1),
        s as (
          select service_id, count(*)::int as sms from guide_sms where status = 'sent' and requested_at >= ${start}::timestamptz and requested_at < ${end}::timestamptz group by 1)
        select coalesce(c.service_id, s.service_id) as service_id, coalesce(c.consultations, 0) as consultations, coalesce(c.with_guide, 0) as with_guide, coalesce(s.sms, 0) as sms
        from c full join s on s.service_id = c.service_id`,
  );
  const sum = (pick: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + pick(r), 0);
  const consultations = sum((r) => r.consultations);
  const withGuide = sum((r) => r.with_guide);
  return {
    from,
    to,
    consultations,
    withGuide,
    withoutGuide: consultations - withGuide,
    smsSent: sum((r) => r.sms),
    topServices: rows
      .filter((r) => r.service_id)
      .sort(
        (a, b) =>
          b.consultations - a.consultations ||
          b.sms - a.sms ||
          a.service_id!.localeCompare(b.service_id!),
      )
      .slice(0, top)
      .map((r) => ({
        service: r.service_id!,
        name: deps.catalogue.service(r.service_id!)?.service.name ?? r.service_id!,
        consultations: r.consultations,
        withGuide: r.with_guide,
        smsSent: r.sms,
      })),
  };
}
