import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case id');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm');
const chinese = z.string().trim().min(1);
/** E.164 mainland number: a mobile (+861[3-9]…, 11 digits) or a landline (+86 area code + number). */
export const e164Mainland = z.string().regex(/^\+86(1[3-9]\d{9}|[2-9]\d{8,10})$/, 'must be an E.164 mainland number (+86…)');
/** Numbers of the Shuangyashan hotlines: area code 469 and a 7-digit local number. */
const hotlineNumber = z.string().regex(/^\+86469\d{7}$/, 'must be +86 469 followed by a 7-digit local number');

export const sessionSchema = z
  .object({ from: hhmm, to: hhmm })
  .refine((s) => s.from < s.to, { message: 'a session must end after it starts' });

export const serviceSchema = z.object({
  id: slug,
  name: chinese,
  bookable: z.boolean(),
  byPhone: z.boolean(),
  postal: z.boolean(),
  windows: z.number().int().min(0).max(50),
  minutes: z.number().int().min(1).max(240),
  bring: z.string().trim().default(''),
  keywords: z.array(chinese).default([]),
});

export const departmentSchema = z.object({
  id: slug,
  name: chinese,
  services: z.array(serviceSchema).default([]),
});

export const hallSchema = z
  .object({
    id: slug,
    name: chinese,
    address: chinese,
    hours: z.array(sessionSchema).min(1),
    slotMinutes: z.number().int().min(5).max(240),
    departments: z.array(departmentSchema).min(1),
  })
  .refine((hall) => hall.hours.every((s, i) => i === 0 || hall.hours[i - 1]!.to <= s.from), {
    message: 'opening sessions must be in order and not overlap',
    path: ['hours'],
  });

export const hotlineSchema = z.object({
  number: hotlineNumber,
  name: chinese,
  hall: slug,
  department: slug,
  menu: slug,
  greeting: chinese,
});

export const enterpriseSchema = z.object({
  id: slug,
  name: chinese,
  creditCode: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, 'must be an 18-character unified social credit code'),
  phones: z.array(e164Mainland).default([]),
});

export const commissionerSchema = z.object({
  id: slug,
  name: chinese,
  department: slug,
  enterprises: z.array(enterpriseSchema).default([]),
});

export const priorityCallerSchema = z.object({
  phone: e164Mainland,
  reason: z.enum(['elderly', 'disabled', 'urgent-departure', 'key-project']),
  note: z.string().default(''),
});

export const hallsFileSchema = z.object({ halls: z.array(hallSchema).min(1) });
export const hotlinesFileSchema = z.object({ hotlines: z.array(hotlineSchema).min(1) });
export const commissionersFileSchema = z.object({ commissioners: z.array(commissionerSchema).default([]) });
export const priorityCallersFileSchema = z.object({ priorityCallers: z.array(priorityCallerSchema).default([]) });

export type Session = z.infer<typeof sessionSchema>;
export type Service = z.infer<typeof serviceSchema>;
export type Department = z.infer<typeof departmentSchema>;
export type Hall = z.infer<typeof hallSchema>;
export type Hotline = z.infer<typeof hotlineSchema>;
export type Enterprise = z.infer<typeof enterpriseSchema>;
export type Commissioner = z.infer<typeof commissionerSchema>;
export type PriorityCaller = z.infer<typeof priorityCallerSchema>;
