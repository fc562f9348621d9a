import argon2 from 'argon2';
import type { Catalogue } from '../catalogue/index.js';
import type { StaffRole } from '../platform/auth.js';
import type { Database } from '../platform/db.js';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { SecretBox } from '../platform/secret-box.js';
import * as repo from './staff-repository.js';
import { createStaffSessions, type StaffSessions } from './staff-sessions.js';

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
export interface Accounts extends StaffSessions {
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
  /** The accounts with these usernames that exist, read at once. */
  findUsers(ids: readonly string[]): Promise<repo.StaffUserRow[]>;
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
  const { endSessions, ...sessions } = createStaffSessions({
    db,
    redis,
    redisPrefix,
    sessionTtlSeconds,
    log,
  });

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

  const accounts: Accounts = {
    ...sessions,

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
    findUsers: (ids) => repo.findStaffUsers(db, ids),

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
  };
  return accounts;
}
