import { z } from 'zod';

/** What a supervisor sends to start a training session. */
export const trainingStartSchema = z.object({
  departments: z.array(z.string().trim().min(1)).min(1).max(20),
  perMinute: z.number().positive().max(60),
  calls: z.number().int().min(1).max(200),
  wants: z
    .object({
      consult: z.number().min(0),
      'by-phone': z.number().min(0),
      book: z.number().min(0),
    })
    .partial()
    .refine((w) => Object.values(w).length === 0 || Object.values(w).some((v) => v > 0), {
      message: 'at least one kind of caller must have a weight above 0',
    })
    .optional(),
  patienceSeconds: z.number().int().min(5).max(1800).optional(),
  seed: z.number().int().optional(),
});
