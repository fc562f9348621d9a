import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Request } from 'express';
import type { Catalogue } from '../catalogue/index.js';
import type { Authenticator, Principal, StaffRole } from '../platform/auth.js';
import { createAttemptCounter } from '../platform/attempts.js';
import type { Database } from '../platform/db.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  UnauthorizedError,
  ValidationError,
} from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { SecretBox } from '../platform/secret-box.js';
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

export interface AccountsDeps {
  db: Database;
  redis: Redis;
  redisPrefix: string;
  catalogue: Catalogue;
  sessionTtlSeconds: number;
  /** argon2id memory cost of new password hashes, KiB. */
  passwordHashMemoryKib: number;
  /** Seals the agents' SIP passwords (SIP_CREDENTIALS_KEY). */
  sipSecrets: SecretBox;
  logger: Logger;
}

/** Staff accounts and their sessions (Redis, with expiry). */
export interface Accounts {
  createUser(input: {
    username: string;
    role: StaffRole;
    skills: string[];
    password: string;
    commissionerId?: string | undefined;
    displayName?: string | undefined;
  }): Promise<repo.StaffUserRow>;
  /** Disables the account and ends all its sessions. */
  disableUser(username: string): Promise<void>;
  findUser(id: string): Promise<repo.StaffUserRow | undefined>;
  /** Accounts that are not disabled, with their skills. */
  listActive(): Promise<repo.StaffUserRow[]>;
  /** Every account, disabled ones too, by username. */
  listAll(): Promise<repo.StaffUserRow[]>;
  /** Changes the name people see and the skills (department ids); the username stays. */
  updateUser(
    username: string,
    changes: { displayName?: string | undefined; skills?: string[] | undefined },
  ): Promise<repo.StaffUserRow>;
  /**
   * Sets where the agent is rung when the provider has no softphone client: a SIP address and/or a
   * desk phone number, and the password the panel's SIP softphone registers with (stored sealed);
   * null clears one, undefined keeps it.
   */
  setPhone(
    username: string,
    phone: {
      sipAddress?: string | null | undefined;
      deskNumber?: string | null | undefined;
      sipPassword?: string | null | undefined;
    },
  ): Promise<repo.StaffUserRow>;
  /** The agent's SIP softphone account (their SIP address and password, opened); undefined when either is not set. */
  sipCredentials(id: string): Promise<{ uri: string; password: string } | undefined>;
  /** Sets a new password and ends all the account's sessions. */
  resetPassword(username: string, password: string): Promise<void>;
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

export const usernamePattern = /^[a-z][a-z0-9_]{2,31}$/;
/** A SIP address as `<Sip>` dials it: sip: or sips:, a user, @, a host (and optional port and parameters). */
export const sipAddressPattern =
  /^sips?:[A-Za-z0-9._~!$&'()*+,;=%-]+@[A-Za-z0-9.-]+(:\d{1,5})?(;[A-Za-z0-9=._-]+)*$/;
/** A desk phone as `<Number>` dials it: E.164. */
export const deskNumberPattern = /^\+[1-9]\d{6,14}$/;
/** The most characters of a display name (王丽, 张建国（税务）). */
export const DISPLAY_NAME_MAX = 20;

/** A display name is optional, at most {@link DISPLAY_NAME_MAX} characters, and has no control characters. */
export function assertDisplayName(name: string): void {
  const trimmed = name.trim();
  if (trimmed.length > DISPLAY_NAME_MAX || /[\p{Cc}]/u.test(trimmed)) {
    throw new ValidationError(
      `displayName: at most ${DISPLAY_NAME_MAX} characters, no control characters`,
      { fields: [{ field: 'displayName', reason: 'too_long' }] },
    );
  }
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

export function createAccounts({
  db,
  redis,
  redisPrefix,
  catalogue,
  sessionTtlSeconds,
  passwordHashMemoryKib,
  sipSecrets,
  logger,
}: AccountsDeps): Accounts {
  const log = logger.child({ component: 'accounts' });
  const sessionKey = (token: string) => `${redisPrefix}:session:${hashToken(token)}`;
  const userSessionsKey = (userId: string) => `${redisPrefix}:user-sessions:${userId}`;
  // Both expire with the window; per-address attempts bound how many user+address keys one address can make.
  const failures = createAttemptCounter(redis, redisPrefix, 'login-fail', LOCK_WINDOW_SECONDS);
  const attemptsFrom = createAttemptCounter(redis, redisPrefix, 'login-addr', LOCK_WINDOW_SECONDS);
  const failKey = (username: string, address: string) => `${username}:${address}`;

  function assertSkills(skills: string[], commissionerId: string | undefined): void {
    const unknown = skills.filter(
      (skill) =>
        !catalogue.department(skill) && !catalogue.commissioners.some((c) => c.id === skill),
    );
    if (unknown.length > 0)
      throw new ValidationError(
        `unknown skills: ${unknown.join(', ')} (use department ids as /api/hotlines names them)`,
      );
    if (commissionerId && !catalogue.commissioners.some((c) => c.id === commissionerId))
      throw new ValidationError(`unknown commissioner: ${commissionerId}`);
  }

  async function endSessions(userId: string): Promise<void> {
    const hashes = await redis.smembers(userSessionsKey(userId));
    if (hashes.length > 0)
      await redis.del(...hashes.map((hash) => `${redisPrefix}:session:${hash}`));
    await redis.del(userSessionsKey(userId));
  }

  const accounts: Accounts = {
    async createUser({ username, role, skills, password, commissionerId, displayName = '' }) {
      if (!usernamePattern.test(username))
        throw new ValidationError(
          'username: 3 to 32 lower-case letters, digits or _, starting with a letter',
        );
      assertDisplayName(displayName);
      if (password.length < 10) throw new ValidationError('password: at least 10 characters');
      assertSkills(skills, commissionerId);
      const allSkills = [...new Set([...skills, ...(commissionerId ? [commissionerId] : [])])];
      if (await repo.findStaffUser(db, username))
        throw new ConflictError(`user ${username} already exists`, 'user_exists');
      const passwordHash = await argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: passwordHashMemoryKib,
      });
      return repo.insertStaffUser(db, {
        id: username,
        role,
        displayName: displayName.trim(),
        passwordHash,
        skills: allSkills,
        commissionerId: commissionerId ?? null,
      });
    },

    async disableUser(username) {
      if (!(await repo.setStaffUserDisabled(db, username, true)))
        throw new NotFoundError(`no such user: ${username}`);
      await endSessions(username);
    },

    findUser: (id) => repo.findStaffUser(db, id),

    async setPhone(username, { sipAddress, deskNumber, sipPassword }) {
      if (sipAddress && !sipAddressPattern.test(sipAddress))
        throw new ValidationError(
          'sipAddress: a SIP address such as sip:wang_li@hotline.sip.example.cn',
          { fields: [{ field: 'sipAddress', reason: 'invalid' }] },
        );
      if (deskNumber && !deskNumberPattern.test(deskNumber))
        throw new ValidationError('deskNumber: an E.164 number such as +864694226199', {
          fields: [{ field: 'deskNumber', reason: 'invalid' }],
        });
      const row = await repo.updateStaffUser(db, username, {
        ...(sipAddress === undefined ? {} : { sipAddress: sipAddress || null }),
        ...(deskNumber === undefined ? {} : { deskNumber: deskNumber || null }),
        ...(sipPassword === undefined
          ? {}
          : { sipPasswordSealed: sipPassword ? sipSecrets.seal(sipPassword) : null }),
      });
      if (!row) throw new NotFoundError(`no such user: ${username}`);
      return row;
    },

    async sipCredentials(id) {
      const user = await repo.findStaffUser(db, id);
      if (!user?.sipAddress || !user.sipPasswordSealed) return undefined;
      return { uri: user.sipAddress, password: sipSecrets.open(user.sipPasswordSealed) };
    },

    listActive: () => repo.listActiveStaff(db),
    listAll: () => repo.listStaffUsers(db),
    async updateUser(username, { displayName, skills }) {
      const user = await repo.findStaffUser(db, username);
      if (!user) throw new NotFoundError(`no such user: ${username}`);
      if (displayName !== undefined) assertDisplayName(displayName);
      if (skills) assertSkills(skills, undefined);
      const kept = skills
        ? [...new Set([...skills, ...(user.commissionerId ? [user.commissionerId] : [])])]
        : undefined;
      return (await repo.updateStaffUser(db, username, {
        ...(displayName !== undefined ? { displayName: displayName.trim() } : {}),
        ...(kept ? { skills: kept } : {}),
      }))!;
    },

    async resetPassword(username, password) {
      if (password.length < 10)
        throw new ValidationError('password: at least 10 characters', {
          fields: [{ field: 'password', reason: 'too_short' }],
        });
      const passwordHash = await argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: passwordHashMemoryKib,
      });
      if (!(await repo.updateStaffUser(db, username, { passwordHash })))
        throw new NotFoundError(`no such user: ${username}`);
      await endSessions(username);
    },

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
      const session = await accounts.session(token);
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
  return accounts;
}
