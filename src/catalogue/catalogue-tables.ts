import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { Session } from './catalogue-schemas.js';

/** Halls, departments, services, hotlines, commissioners: mirrored from catalogue/ at release/start. */
export const halls = pgTable('halls', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  address: text('address').notNull(),
  hours: jsonb('hours').$type<Session[]>().notNull(),
  slotMinutes: integer('slot_minutes').notNull(),
  active: boolean('active').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const departments = pgTable('departments', {
  id: text('id').primaryKey(),
  hallId: text('hall_id').notNull().references(() => halls.id),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
});

export const services = pgTable(
  'services',
  {
    id: text('id').primaryKey(),
    hallId: text('hall_id').notNull().references(() => halls.id),
    departmentId: text('department_id').notNull().references(() => departments.id),
    name: text('name').notNull(),
    bookable: boolean('bookable').notNull(),
    byPhone: boolean('by_phone').notNull(),
    postal: boolean('postal').notNull(),
    windows: integer('windows').notNull(),
    minutes: integer('minutes').notNull(),
    bring: text('bring').notNull().default(''),
    active: boolean('active').notNull().default(true),
  },
  (t) => [index('services_hall_idx').on(t.hallId)],
);

export const hotlines = pgTable('hotlines', {
  number: text('number').primaryKey(),
  name: text('name').notNull(),
  hallId: text('hall_id').notNull().references(() => halls.id),
  departmentId: text('department_id').notNull().references(() => departments.id),
  menuId: text('menu_id').notNull(),
  greeting: text('greeting').notNull(),
  active: boolean('active').notNull().default(true),
});

export const commissioners = pgTable('commissioners', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  departmentId: text('department_id').notNull().references(() => departments.id),
  active: boolean('active').notNull().default(true),
});

export const enterprises = pgTable('enterprises', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  creditCode: text('credit_code').notNull(),
  commissionerId: text('commissioner_id').references(() => commissioners.id),
  active: boolean('active').notNull().default(true),
});

export const enterprisePhones = pgTable(
  'enterprise_phones',
  {
    phone: text('phone').notNull(),
    enterpriseId: text('enterprise_id').notNull().references(() => enterprises.id),
  },
  (t) => [primaryKey({ columns: [t.phone, t.enterpriseId] })],
);

export const priorityCallers = pgTable('priority_callers', {
  phone: text('phone').primaryKey(),
  reason: text('reason').notNull(),
  note: text('note').notNull().default(''),
  active: boolean('active').notNull().default(true),
});
