import { z } from 'zod';

const DEV_ACCOUNT_SID = 'AC00000000000000000000000000000000';
/** Auth token used in development and by the in-repo caller simulator; never valid in production. */
export const DEV_AUTH_TOKEN = 'dev-auth-token-for-local-calls-only';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());

/** The environment variables the service reads, with their defaults. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** HTTP port of the web role. Default 3000. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Public URL Twilio calls; every webhook signature is checked against it. Default http://localhost:PORT. */
  PUBLIC_BASE_URL: optionalUrl,
  /** PostgreSQL URL. Unset: an embedded PGlite database under PGLITE_DIR. */
  DATABASE_URL: optionalUrl,
  /** Folder of the embedded database when DATABASE_URL is unset. Default ./data/pglite. */
  PGLITE_DIR: z.string().min(1).default('./data/pglite'),
  /** Redis URL (sessions, queues, live state). Default redis://127.0.0.1:6379. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue, so that several deployments can share one Redis. Default hotline. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only').default('hotline'),
  TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits').optional()),
  TWILIO_AUTH_TOKEN: optionalString,
  /** Send Twilio REST calls to this base URL instead of https://api.twilio.com (a local mock, a compatible provider). */
  TWILIO_API_BASE_URL: optionalUrl,
  /** Voice used for Mandarin <Say>. Default Polly.Zhiyu. */
  TWILIO_VOICE: z.string().min(1).default('Polly.Zhiyu'),
  /** Folder holding the catalogue data files (halls, hotlines, menus, commissioners). Default ./catalogue. */
  CATALOGUE_DIR: z.string().min(1).default('./catalogue'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Music a caller hears while waiting in a queue. Default Twilio's public classical hold music. */
  IVR_HOLD_MUSIC_URL: z.url().default('http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3'),
  /** Seconds in queue after which the caller is offered a callback ("按1预约回电"). Default 90. */
  IVR_CALLBACK_OFFER_SECONDS: z.coerce.number().int().min(0).max(3600).default(90),
});

export type Env = z.infer<typeof envSchema>;

/** The parsed, frozen configuration every process is built from. */
export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly publicBaseUrl: string;
  readonly databaseUrl: string | undefined;
  readonly pgliteDir: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly twilio: {
    readonly accountSid: string;
    readonly authToken: string;
    readonly apiBaseUrl: string | undefined;
    readonly voice: string;
  };
  readonly catalogueDir: string;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly ivr: {
    readonly holdMusicUrl: string;
    readonly callbackOfferSeconds: number;
  };
  /** What fell back to a development default, for the start-up log. */
  readonly developmentDefaults: readonly string[];
}

/** Raised when the environment does not describe a runnable service; the message names each variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once. A bad or missing value throws a {@link ConfigError} naming the
 * variable; with NODE_ENV=production the Twilio credentials and PUBLIC_BASE_URL are required.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const missing = production
    ? (['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL'] as const).filter((name) => !env[name])
    : [];
  if (missing.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${missing.map((name) => `${name}: required when NODE_ENV=production`).join('\n  ')}`);
  }
  const developmentDefaults: string[] = [];
  if (!env.TWILIO_ACCOUNT_SID) developmentDefaults.push('TWILIO_ACCOUNT_SID');
  if (!env.TWILIO_AUTH_TOKEN) developmentDefaults.push('TWILIO_AUTH_TOKEN');
  if (!env.PUBLIC_BASE_URL) developmentDefaults.push('PUBLIC_BASE_URL');
  return deepFreeze({
    env: env.NODE_ENV,
    port: env.PORT,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL,
    pgliteDir: env.PGLITE_DIR,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID ?? DEV_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN ?? DEV_AUTH_TOKEN,
      apiBaseUrl: env.TWILIO_API_BASE_URL?.replace(/\/+$/, ''),
      voice: env.TWILIO_VOICE,
    },
    catalogueDir: env.CATALOGUE_DIR,
    logLevel: env.LOG_LEVEL,
    ivr: { holdMusicUrl: env.IVR_HOLD_MUSIC_URL, callbackOfferSeconds: env.IVR_CALLBACK_OFFER_SECONDS },
    developmentDefaults,
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (inner && typeof inner === 'object') deepFreeze(inner as object);
  }
  return Object.freeze(value);
}
