import { createHash, randomBytes } from 'node:crypto';
import type { Authenticator, Channel } from '../platform/auth.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { UnauthorizedError } from '../platform/errors.js';
import * as repo from './api-key-repository.js';

/** Prefix of every channel API key, so that a leaked one is recognisable (e.g. by secret scanners). */
const KEY_PREFIX = 'sysk_';

/** SHA-256 of a key: keys are 32 random bytes, so a fast hash is enough and allows an indexed look-up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** API keys of the website, the WeChat server and the walk-in desk. */
export function createApiKeyService(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /** Makes a key; the plain key is returned once and only its hash is stored. */
    async create(channel: Channel, name: string): Promise<{ id: string; key: string }> {
      const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
      const row = await repo.insertApiKey(db, { channel, name, keyHash: hashApiKey(key) });
      return { id: row.id, key };
    },
    revoke: (id: string) => repo.revokeApiKey(db, id, clock.now()),
    list: () => repo.listApiKeys(db),

    /**
     * Reads `Authorization: Bearer <key>`: a channel principal for a valid key, undefined when
     * the header is absent or not one of ours (another authenticator may know it), 401 for a
     * revoked or unknown key of ours.
     */
    authenticator(): Authenticator {
      return async (req) => {
        const header = req.header('authorization');
        const match = header?.match(/^Bearer\s+(\S+)$/i);
        if (!match || !match[1]!.startsWith(KEY_PREFIX)) return undefined;
        const row = await repo.findApiKeyByHash(db, hashApiKey(match[1]!));
        if (!row) throw new UnauthorizedError('invalid or revoked API key');
        return { kind: 'channel', channel: row.channel, keyId: row.id, name: row.name };
      };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
