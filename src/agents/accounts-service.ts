import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Request } from 'express';
import type { Catalogue } from '../catalogue/index.js';
import type { Authenticator, Principal, StaffRole } from '../platform/auth.js';
import type { Database } from '../platform/db.js';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitError, UnauthorizedError, ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import * as repo from './agents-repository.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'sid';
/** Failed logins for one username, within {@link LOCK_WINDOW_SECONDS}, after which it is locked for that window. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_WINDOW_SECONDS = 15 * 60;
/** Login attempts from one address per window, whatever the username. */
const MAX_ATTEMPTS_PER_ADDRESS = 30;

export interface StaffSession {
  userId: string;
  role: StaffRole;
  createdAt: string;
}

export interface AccountsDeps {
  db: Database;
  redis: Redis;
  redisPrefix: string;
  catalogue: Catalogue;
  sessionTtlSeconds: number;
  /** argon2id memory cost of new password hashes, KiB. */
  passwordHashMemoryKib: number;
  logger: Logger;
}

/** Staff accounts and their sessions (Redis, with expiry). */
export interface Accounts {
  createUser(input: { username: string; role: StaffRole; skills: string[]; password: string; commissionerId?: string | undefined }): Promise<repo.StaffUserRow>;
  /** Disables the account and ends all its sessions. */
  disableUser(username: string): Promise<void>;
  findUser(id: string): Promise<repo.StaffUserRow | undefined>;
  /** Checks the password (with rate limit and lock-out) and starts a session; returns its token. */
  login(username: string, password: string, address: string): Promise<{ token: string; user: repo.StaffUserRow }>;
  logout(token: string): Promise<void>;
  /** The session for a token, refreshing its expiry; undefined when unknown or expired. */
  session(token: string): Promise<StaffSession | undefined>;
  /** Reads the `sid` cookie; cookie-authenticated writes must carry `X-Requested-With` (CSRF). */
  authenticator: Authenticator;
}

export const usernamePattern = /^[a-z][a-z0-9_]{2,31}$/;

/** Reads one cookie from the Cookie header. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createAccounts({ db, redis, redisPrefix, catalogue, sessionTtlSeconds, passwordHashMemoryKib, logger }: AccountsDeps): Accounts {
  const log = logger.child({ component: 'accounts' });
  const sessionKey = (token: string) => `${redisPrefix}:session:${hashToken(token)}`;
  const userSessionsKey = (userId: string) => `${redisPrefix}:user-sessions:${userId}`;
  const failKey = (username: string) => `${redisPrefix}:login-fail:${username}`;
  const addressKey = (address: string) => `${redisPrefix}:login-addr:${address}`;

  function assertSkills(skills: string[], commissionerId: string | undefined): void {
    const unknown = skills.filter((skill) => !catalogue.department(skill) && !catalogue.commissioners.some((c) => c.id === skill));
    if (unknown.length > 0) throw new ValidationError(`unknown skills: ${unknown.join(', ')} (use department ids as /api/hotlines names them)`);
    if (commissionerId && !catalogue.commissioners.some((c) => c.id === commissionerId)) throw new ValidationError(`unknown commissioner: ${commissionerId}`);
  }

  async function endSessions(userId: string): Promise<void> {
    const hashes = await redis.smembers(userSessionsKey(userId));
    if (hashes.length > 0) await redis.del(...hashes.map((hash) => `${redisPrefix}:session:${hash}`));
    await redis.del(userSessionsKey(userId));
  }

  const accounts: Accounts = {
    async createUser({ username, role, skills, password, commissionerId }) {
      if (!usernamePattern.test(username)) throw new ValidationError('username: 3 to 32 lower-case letters, digits or _, starting with a letter');
      if (password.length < 10) throw new ValidationError('password: at least 10 characters');
      assertSkills(skills, commissionerId);
      const allSkills = [...new Set([...skills, ...(commissionerId ? [commissionerId] : [])])];
      if (await repo.findStaffUser(db, username)) throw new ConflictError(`user ${username} already exists`, 'user_exists');
      const passwordHash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: passwordHashMemoryKib });
      return repo.insertStaffUser(db, { id: username, role, passwordHash, skills: allSkills, commissionerId: commissionerId ?? null });
    },

    async disableUser(username) {
      if (!(await repo.setStaffUserDisabled(db, username, true))) throw new NotFoundError(`no such user: ${username}`);
      await endSessions(username);
    },

    findUser: (id) => repo.findStaffUser(db, id),

    async login(username, password, address) {
      const attempts = await redis.multi().incr(addressKey(address)).expire(addressKey(address), LOCK_WINDOW_SECONDS, 'NX').exec();
      if (Number(attempts?.[0]?.[1] ?? 0) > MAX_ATTEMPTS_PER_ADDRESS) throw new RateLimitError('too many login attempts from this address', LOCK_WINDOW_SECONDS);
      const failures = Number((await redis.get(failKey(username))) ?? 0);
      if (failures >= MAX_FAILED_LOGINS) {
        const ttl = await redis.ttl(failKey(username));
        throw new RateLimitError('this account is locked after repeated failed logins; try again later', Math.max(ttl, 1));
      }
      const user = await repo.findStaffUser(db, username);
      const valid = user && !user.disabled ? await argon2.verify(user.passwordHash, password) : false;
      if (!user || !valid) {
        await redis.multi().incr(failKey(username)).expire(failKey(username), LOCK_WINDOW_SECONDS).exec();
        log.warn({ username, address }, 'failed login');
        throw new UnauthorizedError('wrong username or password');
      }
      await redis.del(failKey(username));
      const token = randomBytes(32).toString('base64url');
      const session: StaffSession = { userId: user.id, role: user.role, createdAt: new Date().toISOString() };
      await redis
        .multi()
        .set(sessionKey(token), JSON.stringify(session), 'EX', sessionTtlSeconds)
        .sadd(userSessionsKey(user.id), hashToken(token))
        .expire(userSessionsKey(user.id), sessionTtlSeconds)
        .exec();
      log.info({ userId: user.id, role: user.role }, 'staff logged in');
      return { token, user };
    },

    async logout(token) {
      const raw = await redis.get(sessionKey(token));
      await redis.del(sessionKey(token));
      if (raw) await redis.srem(userSessionsKey((JSON.parse(raw) as StaffSession).userId), hashToken(token));
    },

    async session(token) {
      const raw = await redis.getex(sessionKey(token), 'EX', sessionTtlSeconds);
      return raw ? (JSON.parse(raw) as StaffSession) : undefined;
    },

    authenticator: async (req): Promise<Principal | undefined> => {
      const token = readCookie(req, SESSION_COOKIE);
      if (!token) return undefined;
      const session = await accounts.session(token);
      // An expired session is no session: protected routes answer 401, and the login page still works.
      if (!session) return undefined;
      // A cross-site form cannot set a custom header, so requiring one stops CSRF on cookie-authenticated writes.
      if (!SAFE_METHODS.has(req.method) && req.get('x-requested-with') !== 'XMLHttpRequest') {
        throw new ForbiddenError('cookie-authenticated writes need the header X-Requested-With: XMLHttpRequest');
      }
      return { kind: 'staff', userId: session.userId, username: session.userId, role: session.role };
    },
  };
  return accounts;
}
