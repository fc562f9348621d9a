import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { parseInput } from '../platform/http.js';

/** The file staff write from the State Council's notice (see README, "Entering a new year's holidays"). */
const scheduleFileSchema = z.object({
  year: z.number().int().min(2000).max(2200),
  reference: z.string().trim().min(1),
  holidays: z.array(z.object({ date: z.string(), name: z.string().trim().min(1) })).default([]),
  workdays: z.array(z.object({ date: z.string(), name: z.string().trim().min(1) })).default([]),
});

/** A year's schedule as written in the file, ready for `WorkCalendar.enterYear`. */
export interface ScheduleFile {
  year: number;
  reference: string;
  days: Array<{ date: string; kind: 'holiday' | 'workday'; name: string }>;
}

/** Reads and validates a schedule file (e.g. examples/holidays-2027.yaml); a bad file throws a ValidationError naming it. */
export function readScheduleFile(path: string): ScheduleFile {
  const schedule = parseInput(scheduleFileSchema, parse(readFileSync(path, 'utf8')), path);
  return {
    year: schedule.year,
    reference: schedule.reference,
    days: [
      ...schedule.holidays.map((d) => ({ ...d, kind: 'holiday' as const })),
      ...schedule.workdays.map((d) => ({ ...d, kind: 'workday' as const })),
    ],
  };
}
