import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Request } from 'express';
import type { Authenticator, Principal, StaffRole } from '../platform/auth.js';
import { createAttemptCounter } from '../platform/attempts.js';
import type { Database } from '../platform/db.js';
import { ForbiddenError, RateLimitError, UnauthorizedError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import * as repo from './staff-repository.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'sid';
/**
 * Failed logins for one username from one address, within {@link LOCK_WINDOW_SECONDS}, after
 * which that username is locked for that address (only): nobody locks a colleague out from elsewhere.
 */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_WINDOW_SECONDS = 15 * 60;
/** Login attempts from one address per window, whatever the username. */
export const MAX_ATTEMPTS_PER_ADDRESS = 30;

export interface StaffSession {
  userId: string;
  role: StaffRole;
  createdAt: string;
}

/** Staff sessions (Redis, with expiry): login with lock-out, logout, the session of a cookie. */
export interface StaffSessions {
  /** Checks the password (with rate limit and lock-out) and starts a session; returns its token. */
  login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ token: string; user: repo.StaffUserRow }>;
  logout(token: string): Promise<void>;
  /** The session for a token, refreshing its expiry; undefined when unknown or expired. */
  session(token: string): Promise<StaffSession | undefined>;
  /** Reads the `sid` cookie; cookie-authenticated writes must carry `X-Requested-With` (CSRF). */
  authenticator: Authenticator;
}

/** Reads one cookie from the Cookie header; a value that is not valid percent-encoding is no value (a bad cookie is no session). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Unknown and disabled users are verified against this hash of a random password nobody knows, made
 * with argon2's default parameters (those of {@link Accounts.createUser}), so that their answer
 * costs as long as a wrong password's.
 */
const DUMMY_HASH =
  '$argon2id$v=19$m=65536,p=4,t=3$yTB16N8+WRVuQilcBl/VvQ$AvfU4Vfn3fSR8mYemMzOEh6AvtkAXowEdJavTA5jPwU';

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Staff sessions; `endSessions` ends every session of an account (disabled, or a new password). */
export function createStaffSessions({
  db,
  redis,
  redisPrefix,
  sessionTtlSeconds,
  log,
}: {
  db: Database;
  redis: Redis;
  redisPrefix: string;
  sessionTtlSeconds: number;
  log: Logger;
}): StaffSessions & { endSessions(userId: string): Promise<void> } {
  const sessionKey = (token: string) => `${redisPrefix}:session:${hashToken(token)}`;
  const userSessionsKey = (userId: string) => `${redisPrefix}:user-sessions:${userId}`;
  // Both expire with the window; per-address attempts bound how many user+address keys one address can make.
  const failures = createAttemptCounter(redis, redisPrefix, 'login-fail', LOCK_WINDOW_SECONDS);
  const attemptsFrom = createAttemptCounter(redis, redisPrefix, 'login-addr', LOCK_WINDOW_SECONDS);
  const failKey = (username: string, address: string) => `${username}:${address}`;

  async function endSessions(userId: string): Promise<void> {
    const hashes = await redis.smembers(userSessionsKey(userId));
    if (hashes.length > 0)
      await redis.del(...hashes.map((hash) => `${redisPrefix}:session:${hash}`));
    await redis.del(userSessionsKey(userId));
  }

  const sessions: StaffSessions = {
    async login(username, password, address) {
      const fromAddress = await attemptsFrom.hit(address);
      if (fromAddress.count > MAX_ATTEMPTS_PER_ADDRESS)
        throw new RateLimitError(
          'too many login attempts from this address',
          fromAddress.retryAfterSeconds,
        );
      const failed = await failures.peek(failKey(username, address));
      if (failed.count >= MAX_FAILED_LOGINS)
        throw new RateLimitError(
          'this account is locked here after repeated failed logins; try again later',
          failed.retryAfterSeconds,
        );
      const user = await repo.findStaffUser(db, username);
      const known = user && !user.disabled ? user : undefined;
      const valid = await argon2.verify(known?.passwordHash ?? DUMMY_HASH, password);
      if (!known || !valid) {
        await failures.hit(failKey(username, address));
        log.warn({ username, address }, 'failed login');
        throw new UnauthorizedError('wrong username or password');
      }
      await failures.reset(failKey(username, address));
      const token = randomBytes(32).toString('base64url');
      const session: StaffSession = {
        userId: known.id,
        role: known.role,
        createdAt: new Date().toISOString(),
      };
      await redis
        .multi()
        .set(sessionKey(token), JSON.stringify(session), 'EX', sessionTtlSeconds)
        .sadd(userSessionsKey(known.id), hashToken(token))
        .expire(userSessionsKey(known.id), sessionTtlSeconds)
        .exec();
      log.info({ userId: known.id, role: known.role }, 'staff logged in');
      return { token, user: known };
    },

    async logout(token) {
      const raw = await redis.get(sessionKey(token));
      await redis.del(sessionKey(token));
      if (raw)
        await redis.srem(
          userSessionsKey((JSON.parse(raw) as StaffSession).userId),
          hashToken(token),
        );
    },

    async session(token) {
      const raw = await redis.getex(sessionKey(token), 'EX', sessionTtlSeconds);
      return raw ? (JSON.parse(raw) as StaffSession) : undefined;
    },

    authenticator: async (req): Promise<Principal | undefined> => {
      const token = readCookie(req, SESSION_COOKIE);
      if (!token) return undefined;
      const session = await sessions.session(token);
      // An expired session is no session: protected routes answer 401, and the login page still works.
      if (!session) return undefined;
      // A cross-site form cannot set a custom header, so requiring one stops CSRF on cookie-authenticated writes.
      if (!SAFE_METHODS.has(req.method) && req.get('x-requested-with') !== 'XMLHttpRequest') {
        throw new ForbiddenError(
          'cookie-authenticated writes need the header X-Requested-With: XMLHttpRequest',
        );
      }
      return {
        kind: 'staff',
        userId: session.userId,
        username: session.userId,
        role: session.role,
      };
    },
  };
  return { ...sessions, endSessions };
}
