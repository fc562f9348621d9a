import { boolean, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Staff accounts: agents, supervisors and admins. The id is the username, which is also the
 * softphone's Twilio Client identity. Skills are department ids (the catalogue's); a chief
 * service commissioner's account also has the commissioner id (`csc-01`…).
 */
export const staffUsers = pgTable('staff_users', {
  id: text('id').primaryKey(),
  role: text('role', { enum: ['agent', 'supervisor', 'admin'] }).notNull(),
  /** The name people see on the desk, the wallboard and in reports (王丽); empty shows the username. */
  displayName: text('display_name').notNull().default(''),
  passwordHash: text('password_hash').notNull(),
  skills: jsonb('skills').$type<string[]>().notNull().default([]),
  commissionerId: text('commissioner_id'),
  /**
   * Where a provider without the Voice SDK (TELEPHONY_PROFILE=twiml-core) rings the agent: a SIP
   * address (`sip:wang_li@hotline.sip.example.cn`), else a desk phone (E.164). Empty: not reachable there.
   */
  sipAddress: text('sip_address'),
  deskNumber: text('desk_number'),
  /** The password the panel's SIP softphone registers with, sealed with SIP_CREDENTIALS_KEY (AES-256-GCM); never stored in clear. */
  sipPasswordSealed: text('sip_password_sealed'),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
