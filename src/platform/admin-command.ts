import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db.js';
import { ValidationError } from './errors.js';
import type { Logger } from './logger.js';
import type { Queues } from './queues.js';
import type { Redis } from './redis.js';

/**
 * What admin commands are built from: the configuration and connections opened when a command
 * first needs them, by the one composition root of `npm run admin` (src/admin-runtime.ts), which
 * closes them after the command.
 */
export interface AdminRuntime {
  config: Config;
  logger: Logger;
  clock: Clock;
  db(): Promise<Database>;
  /** Redis, checked to answer. */
  redis(): Promise<Redis>;
  queues(): Promise<Queues>;
}

/** One `npm run admin` command. Prints its result on stdout, problems on stderr; returns the exit code. */
export interface AdminCommand {
  summary: string;
  run(args: string[], admin: AdminRuntime): Promise<number>;
}

/** Parses `--flag value` options strictly; an unknown or missing flag is a clear error. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  required: Array<keyof T & string> = [],
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ValidationError((error as Error).message);
  }
  const missing = required.filter(
    (flag) => (parsed.values as Record<string, unknown>)[flag] === undefined,
  );
  if (missing.length > 0)
    throw new ValidationError(`missing ${missing.map((flag) => `--${flag}`).join(', ')}`);
  return parsed.values;
}

/** Runs one command's work on the admin runtime's database. */
export async function withDatabase<T>(
  admin: AdminRuntime,
  use: (db: Database) => Promise<T>,
): Promise<T> {
  return use(await admin.db());
}
