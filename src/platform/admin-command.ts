import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from './config.js';
import { createDatabase, type Database } from './db.js';
import { ValidationError } from './errors.js';

/** One `npm run admin` command. Prints its result on stdout, problems on stderr; returns the exit code. */
export interface AdminCommand {
  summary: string;
  run(args: string[], config: Config): Promise<number>;
}

/** Parses `--flag value` options strictly; an unknown or missing flag is a clear error. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, required: Array<keyof T & string> = []) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ValidationError((error as Error).message);
  }
  const missing = required.filter((flag) => (parsed.values as Record<string, unknown>)[flag] === undefined);
  if (missing.length > 0) throw new ValidationError(`missing ${missing.map((flag) => `--${flag}`).join(', ')}`);
  return parsed.values;
}

/** Opens the configured database for one command and closes it afterwards, whatever happens. */
export async function withDatabase<T>(config: Config, use: (db: Database) => Promise<T>): Promise<T> {
  const database = await createDatabase({ url: config.databaseUrl, pgliteDir: config.pgliteDir });
  try {
    return await use(database.db);
  } finally {
    await database.close();
  }
}
