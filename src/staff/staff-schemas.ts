import { z } from 'zod';
import { plainText } from '../platform/input-schemas.js';

export const loginSchema = z.object({
  username: z.string().trim().pipe(plainText(64)),
  password: z.string().min(1).max(256),
});
