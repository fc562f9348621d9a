import { z } from 'zod';
import { TELEPHONY_PROFILES } from './telephony-profile.js';

/**
 * The environment variables the service reads, with their defaults and development values: the
 * schema config.ts parses once at start (nothing else reads process.env).
 */

export const DEV_ACCOUNT_SID = 'AC00000000000000000000000000000000';
/** Auth token used in development and by the in-repo caller simulator; never valid in production. */
export const DEV_AUTH_TOKEN = 'dev-auth-token-for-local-calls-only';

/** Key of the ID-number hash outside production; never used with NODE_ENV=production. */
export const DEV_ID_HASH_KEY = 'dev-id-hash-key-for-local-bookings-only';

/** Key of the SIP passwords' encryption outside production (32 bytes); never used with NODE_ENV=production. */
export const DEV_SIP_CREDENTIALS_KEY = Buffer.from(
  'dev-sip-credentials-key-32-bytes',
  'utf8',
).toString('base64');

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
