import { notInArray, sql } from 'drizzle-orm';
import type { Database } from '../platform/db.js';
import type { Catalogue } from './catalogue-loader.js';
import { commissioners, departments, enterprisePhones, enterprises, halls, hotlines, priorityCallers, services } from './catalogue-tables.js';

/** Any fixed number: serialises concurrent catalogue syncs from several processes. */
const SYNC_LOCK = 4_690_001;

/** What a sync wrote. */
export interface SyncCounts {
  halls: number;
  departments: number;
  services: number;
  hotlines: number;
  commissioners: number;
  enterprises: number;
  priorityCallers: number;
}

/**
 * Mirrors the catalogue into PostgreSQL in one transaction: rows are upserted by id, rows no
 * longer in the files are marked inactive (never deleted: bookings and calls refer to them).
 * Running it twice changes nothing the second time.
 */
export async function syncCatalogue(db: Database, catalogue: Catalogue): Promise<SyncCounts> {
  const hallRows = catalogue.halls.map((h) => ({ id: h.id, name: h.name, address: h.address, hours: h.hours, slotMinutes: h.slotMinutes, active: true }));
  const departmentRows = catalogue.halls.flatMap((h) => h.departments.map((d) => ({ id: d.id, hallId: h.id, name: d.name, active: true })));
  const serviceRows = catalogue.halls.flatMap((h) =>
    h.departments.flatMap((d) =>
      d.services.map((s) => ({
        id: s.id,
        hallId: h.id,
        departmentId: d.id,
        name: s.name,
        bookable: s.bookable,
        byPhone: s.byPhone,
        postal: s.postal,
        windows: s.windows,
        minutes: s.minutes,
        bring: s.bring,
        active: true,
      })),
    ),
  );
  const hotlineRows = catalogue.hotlines.map((h) => ({
    number: h.number,
    name: h.name,
    hallId: h.hall,
    departmentId: h.department,
    menuId: h.menu,
    greeting: h.greeting,
    active: true,
  }));
  const commissionerRows = catalogue.commissioners.map((c) => ({ id: c.id, name: c.name, departmentId: c.department, active: true }));
  const enterpriseRows = catalogue.commissioners.flatMap((c) =>
    c.enterprises.map((e) => ({ id: e.id, name: e.name, creditCode: e.creditCode, commissionerId: c.id, active: true })),
  );
  const phoneRows = catalogue.commissioners.flatMap((c) => c.enterprises.flatMap((e) => e.phones.map((phone) => ({ phone, enterpriseId: e.id }))));
  const priorityRows = catalogue.priorityCallers.map((p) => ({ phone: p.phone, reason: p.reason, note: p.note, active: true }));

  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SYNC_LOCK})`);
    const excluded = (column: string) => sql.raw(`excluded.${column}`);
    await tx.insert(halls).values(hallRows).onConflictDoUpdate({
      target: halls.id,
      set: { name: excluded('name'), address: excluded('address'), hours: excluded('hours'), slotMinutes: excluded('slot_minutes'), active: true, updatedAt: sql`now()` },
    });
    await tx.update(halls).set({ active: false }).where(notInArray(halls.id, hallRows.map((r) => r.id)));
    if (departmentRows.length > 0) {
      await tx.insert(departments).values(departmentRows).onConflictDoUpdate({
        target: departments.id,
        set: { hallId: excluded('hall_id'), name: excluded('name'), active: true },
      });
    }
    await tx.update(departments).set({ active: false }).where(notInArray(departments.id, ['', ...departmentRows.map((r) => r.id)]));
    if (serviceRows.length > 0) {
      await tx.insert(services).values(serviceRows).onConflictDoUpdate({
        target: services.id,
        set: {
          hallId: excluded('hall_id'),
          departmentId: excluded('department_id'),
          name: excluded('name'),
          bookable: excluded('bookable'),
          byPhone: excluded('by_phone'),
          postal: excluded('postal'),
          windows: excluded('windows'),
          minutes: excluded('minutes'),
          bring: excluded('bring'),
          active: true,
        },
      });
    }
    await tx.update(services).set({ active: false }).where(notInArray(services.id, ['', ...serviceRows.map((r) => r.id)]));
    await tx.insert(hotlines).values(hotlineRows).onConflictDoUpdate({
      target: hotlines.number,
      set: { name: excluded('name'), hallId: excluded('hall_id'), departmentId: excluded('department_id'), menuId: excluded('menu_id'), greeting: excluded('greeting'), active: true },
    });
    await tx.update(hotlines).set({ active: false }).where(notInArray(hotlines.number, hotlineRows.map((r) => r.number)));
    if (commissionerRows.length > 0) {
      await tx.insert(commissioners).values(commissionerRows).onConflictDoUpdate({
        target: commissioners.id,
        set: { name: excluded('name'), departmentId: excluded('department_id'), active: true },
      });
    }
    await tx.update(commissioners).set({ active: false }).where(notInArray(commissioners.id, ['', ...commissionerRows.map((r) => r.id)]));
    if (enterpriseRows.length > 0) {
      await tx.insert(enterprises).values(enterpriseRows).onConflictDoUpdate({
        target: enterprises.id,
        set: { name: excluded('name'), creditCode: excluded('credit_code'), commissionerId: excluded('commissioner_id'), active: true },
      });
    }
    await tx.update(enterprises).set({ active: false }).where(notInArray(enterprises.id, ['', ...enterpriseRows.map((r) => r.id)]));
    await tx.delete(enterprisePhones);
    if (phoneRows.length > 0) await tx.insert(enterprisePhones).values(phoneRows).onConflictDoNothing();
    if (priorityRows.length > 0) {
      await tx.insert(priorityCallers).values(priorityRows).onConflictDoUpdate({
        target: priorityCallers.phone,
        set: { reason: excluded('reason'), note: excluded('note'), active: true },
      });
    }
    await tx.update(priorityCallers).set({ active: false }).where(notInArray(priorityCallers.phone, ['', ...priorityRows.map((r) => r.phone)]));
  });
  return {
    halls: hallRows.length,
    departments: departmentRows.length,
    services: serviceRows.length,
    hotlines: hotlineRows.length,
    commissioners: commissionerRows.length,
    enterprises: enterpriseRows.length,
    priorityCallers: priorityRows.length,
  };
}
