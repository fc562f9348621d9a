import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import {
  TELEPHONY_PROFILES,
  telephonyProfile,
  type TelephonyProfile,
} from './telephony-profile.js';

const DEV_ACCOUNT_SID = 'AC00000000000000000000000000000000';
/** Auth token used in development and by the in-repo caller simulator; never valid in production. */
export const DEV_AUTH_TOKEN = 'dev-auth-token-for-local-calls-only';

/** Key of the ID-number hash outside production; never used with NODE_ENV=production. */
const DEV_ID_HASH_KEY = 'dev-id-hash-key-for-local-bookings-only';

/** Key of the SIP passwords' encryption outside production (32 bytes); never used with NODE_ENV=production. */
const DEV_SIP_CREDENTIALS_KEY = Buffer.from('dev-sip-credentials-key-32-bytes', 'utf8').toString(
  'base64',
);

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
  /** Connections each process keeps to PostgreSQL at most. Default 10. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /** Folder of the embedded database when DATABASE_URL is unset. Default ./data/pglite. */
  PGLITE_DIR: z.string().min(1).default('./data/pglite'),
  /** Port on 127.0.0.1 where `npm start` serves the embedded database to the machine's other commands. Default 0: any free port. */
  PGLITE_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Redis URL (sessions, queues, live state). Default redis://127.0.0.1:6379. */
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue, so that several deployments can share one Redis. Default hotline. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .default('hotline'),
  TWILIO_ACCOUNT_SID: optionalString.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be AC followed by 32 hex digits')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  /** Send Twilio REST calls to this base URL instead of https://api.twilio.com (a local mock, a compatible provider). */
  TWILIO_API_BASE_URL: optionalUrl,
  /**
   * Who carries the calls: `local`, the built-in provider in the web process (no account; refused with
   * NODE_ENV=production), or `twilio` (Twilio or a compatible provider at TWILIO_API_BASE_URL).
   * Default local when TWILIO_ACCOUNT_SID and TWILIO_API_BASE_URL are unset outside production, else twilio.
   */
  TELEPHONY_PROVIDER: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['local', 'twilio']).optional(),
  ),
  /** What the voice provider runs: twilio (all of TwiML, queues, the Voice SDK) or twiml-core (keys-only menus, the service's own wait loop, agents by SIP or desk phone). Default twilio. */
  TELEPHONY_PROFILE: z.enum(TELEPHONY_PROFILES).default('twilio'),
  /** The provider's SIP-over-WebSocket server the panel's softphone registers with (wss:// or ws://). Required with TELEPHONY_PROFILE=twiml-core in production. */
  SIP_WS_URL: optionalUrl.pipe(
    z
      .string()
      .regex(/^wss?:\/\//, 'must be a wss:// or ws:// URL')
      .optional(),
  ),
  /** The SIP domain agents register in (hotline.sip.example.cn). Required with TELEPHONY_PROFILE=twiml-core in production. */
  SIP_DOMAIN: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, 'must be a host name')
      .optional(),
  ),
  /** AES-256-GCM key of the agents' stored SIP passwords: 32 bytes, base64. Required with TELEPHONY_PROFILE=twiml-core in production. */
  SIP_CREDENTIALS_KEY: optionalString.pipe(
    z
      .string()
      .refine(
        (value) => Buffer.from(value, 'base64').length === 32,
        'must be 32 bytes in base64 (openssl rand -base64 32)',
      )
      .optional(),
  ),
  /** Voice used for Mandarin <Say>. Default Polly.Zhiyu. */
  TWILIO_VOICE: z.string().min(1).default('Polly.Zhiyu'),
  /** Folder holding the catalogue data files (halls, hotlines, menus, commissioners). Default ./catalogue. */
  CATALOGUE_DIR: z.string().min(1).default('./catalogue'),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /** Service level target: a call answered within this many seconds of queueing counts as in time. Default 20. */
  REPORT_SERVICE_LEVEL_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** Queue abandons shorter than this are short abandons, left out of the service level. Default 5. */
  REPORT_SHORT_ABANDON_SECONDS: z.coerce.number().int().min(0).max(120).default(5),
  /** When the nightly statistics export runs, HH:mm Asia/Shanghai. Default 00:30. */
  REPORT_DAILY_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm')
    .default('00:30'),
  /** Share of queued calls to answer within REPORT_SERVICE_LEVEL_SECONDS: the staffing plan's target. Default 0.8. */
  REPORT_SERVICE_LEVEL_GOAL: z.coerce.number().gt(0).lt(1).default(0.8),
  /** Wallboard alert: a caller has waited in a queue this many seconds. Default 120. */
  WALLBOARD_ALERT_WAIT_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  /** Wallboard alert: an agent missed this many offers in a row. Default 2. */
  WALLBOARD_ALERT_MISSED_OFFERS: z.coerce.number().int().min(1).max(20).default(2),
  /** Wallboard alert: an agent has been in wrap-up this many seconds. Default 300. */
  WALLBOARD_ALERT_WRAP_UP_SECONDS: z.coerce.number().int().min(10).max(7200).default(300),
  /** Wallboard alert: an agent has been on a break this many seconds. Default 1800. */
  WALLBOARD_ALERT_BREAK_SECONDS: z.coerce.number().int().min(60).max(14400).default(1800),
  /** Days a call recording is kept at Twilio before it is deleted there. Default 180. */
  RECORDING_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** API key for softphone access tokens (SK...); unset outside production: the account SID and auth token sign them. */
  TWILIO_API_KEY_SID: optionalString,
  TWILIO_API_KEY_SECRET: optionalString,
  /** TwiML App the softphone's outgoing calls use (AP...); unset: the panel can only receive calls. */
  TWILIO_TWIML_APP_SID: optionalString,
  /** Memory of each staff password hash (argon2id), in KiB: the cost of guessing a stolen hash. Default 65536 (64 MiB); OWASP's floor is 19456. */
  STAFF_PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1024).max(1_048_576).default(65536),
  /** Hours a staff session lasts without use. Default 12. */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /** Seconds an agent's softphone rings before the offer counts as missed. Default 20. */
  AGENT_OFFER_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(120).default(20),
  /** Missed offers in a row after which an agent is put on break and supervisors are told. Default 2. */
  AGENT_MAX_MISSED_OFFERS: z.coerce.number().int().min(1).max(20).default(2),
  /** Seconds without a panel heartbeat after which an agent is taken out of routing. Default 60. */
  AGENT_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  /** After-call work in seconds, and per department as `dept=seconds,dept=seconds`. Default 60. */
  WRAP_UP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  WRAP_UP_SECONDS_BY_DEPARTMENT: z
    .string()
    .regex(/^([a-z0-9-]+=\d+)?(,[a-z0-9-]+=\d+)*$/, 'dept=seconds, comma-separated')
    .default(''),
  /** Seconds a call waits for its preferred agent (enterprise commissioner) before any agent of the department may take it. Default 60. */
  ROUTING_PREFERRED_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** Seconds a call waits for its department before agents of the whole hall may take it. Default 180. */
  ROUTING_DEPARTMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(7200).default(180),
  /** Attempts to reach a citizen who asked for a callback before giving up. Default 3. */
  CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** Seconds between callback attempts. Default 600. */
  CALLBACK_RETRY_SECONDS: z.coerce.number().int().min(10).max(86400).default(600),
  /** Longest a call may last: the agent's Dial is cut there, and an agent still on_call after it (status callbacks lost) returns to routing. Default 120. */
  CALL_MAX_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(120),
  /** Outbound calls started per second (Twilio's default limit is 1). Default 1. */
  OUTBOUND_CALLS_PER_SECOND: z.coerce.number().int().min(1).max(100).default(1),
  /** Key of the HMAC that stores ID numbers as a keyed hash. Required with NODE_ENV=production (at least 32 characters). */
  BOOKING_ID_HASH_KEY: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  /** Minutes a hold keeps a place while an agent confirms. Default 5. */
  BOOKING_HOLD_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  /** Working days ahead that slots are released for. Default 14. */
  BOOKING_HORIZON_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  /** Share of each slot kept for the phone channels (agents and IVR), 0 to 1. Default 0.2. */
  BOOKING_PHONE_SHARE: z.coerce.number().min(0).max(1).default(0.2),
  /** Hours before a slot when its phone share opens to every channel. Default 24. */
  BOOKING_PHONE_SHARE_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 14)
    .default(24),
  /** Local time (Asia/Shanghai, HH:mm) when the daily job releases the next day of slots. Default 08:00. */
  BOOKING_RELEASE_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm')
    .default('08:00'),
  /** Local hour of the reminder SMS on the day before a booking. Default 18. */
  BOOKING_REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(18),
  /** Minutes after a slot ends before an unchecked booking is marked a no-show. Default 30. */
  BOOKING_NO_SHOW_GRACE_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(30),
  /** No-show rule, as warn/block/windowDays/blockDays: a warning SMS from the warn-th no-show; no phone or online booking for blockDays after block no-shows within windowDays. Default 1/3/30/30. */
  BOOKING_NO_SHOW_RULE: z
    .string()
    .regex(/^\d+\/\d+\/\d+\/\d+$/, 'must be warn/block/windowDays/blockDays, e.g. 1/3/30/30')
    .default('1/3/30/30'),
  /** Sender of booking SMS (an E.164 number). Unset: the hotline the booking was made on, or the hall's first hotline. */
  SMS_FROM: optionalString,
  /** A Twilio Messaging Service SID to send booking SMS through instead of a From number. */
  SMS_MESSAGING_SERVICE_SID: optionalString.pipe(
    z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'must be MG followed by 32 hex digits')
      .optional(),
  ),
  /** Upper bound on booking SMS sent per second across all workers. Default 10. */
  SMS_RATE_PER_SECOND: z.coerce.number().int().min(1).max(1000).default(10),
  /** Largest channel feed one request may carry, in MB. Default 25. */
  FEED_MAX_MB: z.coerce.number().int().min(1).max(100).default(25),
  /** Feeds one channel API key may send per FEED_WINDOW_MINUTES (refused and repeated ones count too). Default 12. */
  FEED_MAX_PER_KEY: z.coerce.number().int().min(1).max(1000).default(12),
  /** The window of FEED_MAX_PER_KEY, in minutes. Default 60. */
  FEED_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  /** Working days, from the calendar, within which a 差评 (不满意, 非常不满意) is followed up: 回访, finding, rectification. Default 15. */
  EVALUATION_FOLLOW_UP_DAYS: z.coerce.number().int().min(1).max(60).default(15),
  /** Music a caller hears while waiting in a queue. Default Twilio's public classical hold music. */
  IVR_HOLD_MUSIC_URL: z
    .url()
    .default('http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3'),
  /** Seconds in queue after which the caller is offered a callback ("按1预约回电"). Default 90. */
  IVR_CALLBACK_OFFER_SECONDS: z.coerce.number().int().min(0).max(3600).default(90),
  /** Most options a menu node may offer (its own keys; 9, * and 0 not counted), checked by ivr:lint and at start. Default 6. */
  IVR_MENU_MAX_OPTIONS: z.coerce.number().int().min(2).max(9).default(6),
});

export type Env = z.infer<typeof envSchema>;

/** The parsed, frozen configuration every process is built from. */
export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly publicBaseUrl: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolMax: number;
  readonly pgliteDir: string;
  readonly pglitePort: number;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly twilio: {
    readonly accountSid: string;
    readonly authToken: string;
    readonly apiBaseUrl: string | undefined;
    readonly voice: string;
  };
  /** TELEPHONY_PROFILE: what the IVR, routing and agents may ask of the voice provider. */
  readonly telephony: TelephonyProfile;
  /** TELEPHONY_PROVIDER: `local` runs the built-in provider in the web process and aims the REST client at it. */
  readonly telephonyProvider: 'local' | 'twilio';
  readonly catalogueDir: string;
  /** Staff sessions, agents and routing (src/staff, src/routing, src/desk). */
  readonly agents: {
    readonly apiKeySid: string;
    readonly apiKeySecret: string;
    readonly twimlAppSid: string | undefined;
    readonly sessionTtlSeconds: number;
    /** argon2id memory per password hash, KiB. */
    readonly passwordHashMemoryKib: number;
    readonly offerTimeoutSeconds: number;
    readonly maxMissedOffers: number;
    readonly heartbeatTimeoutSeconds: number;
    readonly wrapUpSeconds: number;
    readonly wrapUpSecondsByDepartment: Readonly<Record<string, number>>;
    readonly preferredTimeoutSeconds: number;
    readonly departmentTimeoutSeconds: number;
    readonly callbackMaxAttempts: number;
    readonly callbackRetrySeconds: number;
    /** CALL_MAX_MINUTES in seconds. */
    readonly callMaxSeconds: number;
    readonly outboundCallsPerSecond: number;
    /** RECORDING_RETENTION_DAYS. */
    readonly recordingRetentionDays: number;
    /** The panel's SIP softphone, for a provider without client dialing (TELEPHONY_PROFILE=twiml-core). */
    readonly sip: {
      /** SIP_WS_URL; undefined: the panel has no SIP softphone. */
      readonly wsUrl: string | undefined;
      /** SIP_DOMAIN. */
      readonly domain: string | undefined;
      /** SIP_CREDENTIALS_KEY: 32 bytes, base64 (a string: the config is frozen, and a Buffer cannot be). */
      readonly credentialsKey: string;
    };
  };
  readonly logLevel: Env['LOG_LEVEL'];
  readonly reports: {
    readonly serviceLevelSeconds: number;
    readonly shortAbandonSeconds: number;
    readonly dailyAt: string;
    readonly serviceLevelGoal: number;
  };
  /** The wallboard's alert thresholds (a service level below REPORT_SERVICE_LEVEL_GOAL alerts too). */
  readonly wallboard: {
    readonly waitSeconds: number;
    readonly missedOffers: number;
    readonly wrapUpSeconds: number;
    readonly breakSeconds: number;
  };
  readonly booking: {
    readonly idHashKey: string;
    readonly holdMinutes: number;
    readonly horizonDays: number;
    readonly phoneShare: number;
    readonly phoneShareHours: number;
    readonly releaseTime: string;
    readonly reminderHour: number;
    readonly noShowGraceMinutes: number;
    readonly noShowRule: {
      readonly warnAfter: number;
      readonly blockAfter: number;
      readonly windowDays: number;
      readonly blockDays: number;
    };
  };
  readonly sms: {
    readonly from: string | undefined;
    readonly messagingServiceSid: string | undefined;
    readonly ratePerSecond: number;
  };
  /** Channel feeds (src/reconciliation): the size of one feed and how many one key may send per window. */
  readonly feeds: {
    readonly maxBytes: number;
    readonly maxPerKey: number;
    readonly windowSeconds: number;
  };
  /** 好差评: the evaluation after each call and the follow-up of every 差评. */
  readonly evaluation: { readonly followUpDays: number };
  readonly ivr: {
    readonly holdMusicUrl: string;
    readonly callbackOfferSeconds: number;
    readonly menuMaxOptions: number;
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
 * variable; with NODE_ENV=production the Twilio credentials, PUBLIC_BASE_URL and BOOKING_ID_HASH_KEY are required (and the
 * softphone's API key, unless the profile has no client dialing).
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const telephony = telephonyProfile(env.TELEPHONY_PROFILE);
  // The API key signs the Voice SDK softphone's tokens: a provider without client dialing has no use for it.
  const softphoneKeys = telephony.clientDialing
    ? (['TWILIO_API_KEY_SID', 'TWILIO_API_KEY_SECRET'] as const)
    : [];
  // Without client dialing the panel's softphone is a SIP client: it needs the provider's SIP server and the key of the stored passwords.
  const sipKeys = telephony.clientDialing
    ? []
    : (['SIP_WS_URL', 'SIP_DOMAIN', 'SIP_CREDENTIALS_KEY'] as const);
  if (production && env.TELEPHONY_PROVIDER === 'local') {
    throw new ConfigError(
      "Invalid configuration:\n  TELEPHONY_PROVIDER: local (the built-in test provider) is not allowed when NODE_ENV=production; set TELEPHONY_PROVIDER=twilio and the provider's credentials",
    );
  }
  const telephonyProvider =
    env.TELEPHONY_PROVIDER ??
    (!production && !env.TWILIO_ACCOUNT_SID && !env.TWILIO_API_BASE_URL ? 'local' : 'twilio');
  const missing = production
    ? (
        [
          'TWILIO_ACCOUNT_SID',
          'TWILIO_AUTH_TOKEN',
          'PUBLIC_BASE_URL',
          ...softphoneKeys,
          ...sipKeys,
          'BOOKING_ID_HASH_KEY',
        ] as const
      ).filter((name) => !env[name])
    : [];
  if (missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ${missing.map((name) => `${name}: required when NODE_ENV=production`).join('\n  ')}`,
    );
  }
  const developmentDefaults: string[] = [];
  if (!env.TWILIO_ACCOUNT_SID) developmentDefaults.push('TWILIO_ACCOUNT_SID');
  if (!env.TWILIO_AUTH_TOKEN) developmentDefaults.push('TWILIO_AUTH_TOKEN');
  if (!env.PUBLIC_BASE_URL) developmentDefaults.push('PUBLIC_BASE_URL');
  const [warnAfter, blockAfter, windowDays, blockDays] = env.BOOKING_NO_SHOW_RULE.split('/').map(
    Number,
  ) as [number, number, number, number];
  return deepFreeze({
    env: env.NODE_ENV,
    port: env.PORT,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL,
    databasePoolMax: env.DATABASE_POOL_MAX,
    pgliteDir: env.PGLITE_DIR,
    pglitePort: env.PGLITE_PORT,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID ?? DEV_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN ?? DEV_AUTH_TOKEN,
      apiBaseUrl: env.TWILIO_API_BASE_URL?.replace(/\/+$/, ''),
      voice: env.TWILIO_VOICE,
    },
    telephony: { ...telephony },
    telephonyProvider,
    catalogueDir: env.CATALOGUE_DIR,
    agents: {
      apiKeySid: env.TWILIO_API_KEY_SID ?? env.TWILIO_ACCOUNT_SID ?? DEV_ACCOUNT_SID,
      apiKeySecret: env.TWILIO_API_KEY_SECRET ?? env.TWILIO_AUTH_TOKEN ?? DEV_AUTH_TOKEN,
      twimlAppSid: env.TWILIO_TWIML_APP_SID,
      sessionTtlSeconds: Math.round(env.SESSION_TTL_HOURS * 3600),
      passwordHashMemoryKib: env.STAFF_PASSWORD_HASH_MEMORY_KIB,
      offerTimeoutSeconds: env.AGENT_OFFER_TIMEOUT_SECONDS,
      maxMissedOffers: env.AGENT_MAX_MISSED_OFFERS,
      heartbeatTimeoutSeconds: env.AGENT_HEARTBEAT_TIMEOUT_SECONDS,
      wrapUpSeconds: env.WRAP_UP_SECONDS,
      wrapUpSecondsByDepartment: Object.fromEntries(
        env.WRAP_UP_SECONDS_BY_DEPARTMENT.split(',')
          .filter(Boolean)
          .map((pair) => [pair.split('=')[0]!, Number(pair.split('=')[1])]),
      ),
      preferredTimeoutSeconds: env.ROUTING_PREFERRED_TIMEOUT_SECONDS,
      departmentTimeoutSeconds: env.ROUTING_DEPARTMENT_TIMEOUT_SECONDS,
      callbackMaxAttempts: env.CALLBACK_MAX_ATTEMPTS,
      callbackRetrySeconds: env.CALLBACK_RETRY_SECONDS,
      callMaxSeconds: env.CALL_MAX_MINUTES * 60,
      outboundCallsPerSecond: env.OUTBOUND_CALLS_PER_SECOND,
      recordingRetentionDays: env.RECORDING_RETENTION_DAYS,
      sip: {
        wsUrl: env.SIP_WS_URL,
        domain: env.SIP_DOMAIN,
        credentialsKey: env.SIP_CREDENTIALS_KEY ?? DEV_SIP_CREDENTIALS_KEY,
      },
    },
    logLevel: env.LOG_LEVEL,
    reports: {
      serviceLevelSeconds: env.REPORT_SERVICE_LEVEL_SECONDS,
      shortAbandonSeconds: env.REPORT_SHORT_ABANDON_SECONDS,
      dailyAt: env.REPORT_DAILY_AT,
      serviceLevelGoal: env.REPORT_SERVICE_LEVEL_GOAL,
    },
    wallboard: {
      waitSeconds: env.WALLBOARD_ALERT_WAIT_SECONDS,
      missedOffers: env.WALLBOARD_ALERT_MISSED_OFFERS,
      wrapUpSeconds: env.WALLBOARD_ALERT_WRAP_UP_SECONDS,
      breakSeconds: env.WALLBOARD_ALERT_BREAK_SECONDS,
    },
    booking: {
      idHashKey: env.BOOKING_ID_HASH_KEY ?? DEV_ID_HASH_KEY,
      holdMinutes: env.BOOKING_HOLD_MINUTES,
      horizonDays: env.BOOKING_HORIZON_DAYS,
      phoneShare: env.BOOKING_PHONE_SHARE,
      phoneShareHours: env.BOOKING_PHONE_SHARE_HOURS,
      releaseTime: env.BOOKING_RELEASE_TIME,
      reminderHour: env.BOOKING_REMINDER_HOUR,
      noShowGraceMinutes: env.BOOKING_NO_SHOW_GRACE_MINUTES,
      noShowRule: { warnAfter, blockAfter, windowDays, blockDays },
    },
    sms: {
      from: env.SMS_FROM,
      messagingServiceSid: env.SMS_MESSAGING_SERVICE_SID,
      ratePerSecond: env.SMS_RATE_PER_SECOND,
    },
    feeds: {
      maxBytes: env.FEED_MAX_MB * 1024 * 1024,
      maxPerKey: env.FEED_MAX_PER_KEY,
      windowSeconds: env.FEED_WINDOW_MINUTES * 60,
    },
    evaluation: { followUpDays: env.EVALUATION_FOLLOW_UP_DAYS },
    ivr: {
      holdMusicUrl: env.IVR_HOLD_MUSIC_URL,
      callbackOfferSeconds: env.IVR_CALLBACK_OFFER_SECONDS,
      menuMaxOptions: env.IVR_MENU_MAX_OPTIONS,
    },
    developmentDefaults,
  });
}

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (inner && typeof inner === 'object') deepFreeze(inner as object);
  }
  return Object.freeze(value);
}

/**
 * The variables of an env file (`.env` in the working directory by default), with empty values
 * left out (so that `PORT=` from a copied .env.example means "the default"). Missing file: none.
 */
export function readEnvFile(path = '.env'): Record<string, string> {
  if (!existsSync(path)) return {};
  return Object.fromEntries(
    Object.entries(parseEnv(readFileSync(path, 'utf8'))).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    ),
  );
}

/** The environment every command reads: the .env file, then the process environment, which wins. */
export function commandEnvironment(): Record<string, string | undefined> {
  const explicit = Object.fromEntries(
    Object.entries(process.env).filter(([, value]) => value !== ''),
  );
  return { ...readEnvFile(), ...explicit };
}
