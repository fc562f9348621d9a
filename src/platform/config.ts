import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { telephonyProfile, type TelephonyProfile } from './telephony-profile.js';
import {
  DEV_ACCOUNT_SID,
  DEV_AUTH_TOKEN,
  DEV_ID_HASH_KEY,
  DEV_SIP_CREDENTIALS_KEY,
  envSchema,
  type Env,
} from './config-env.js';

export { DEV_AUTH_TOKEN, envSchema, type Env } from './config-env.js';

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
