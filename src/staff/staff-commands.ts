import { loadCatalogue } from '../catalogue/index.js';
import {
  parseFlags,
  type AdminCommand,
  type AdminRuntime,
  withDatabase,
} from '../platform/admin-command.js';
import type { StaffRole } from '../platform/auth.js';
import { ValidationError } from '../platform/errors.js';
import { createSecretBox } from '../platform/secret-box.js';
import { createAccounts, type Accounts } from './staff-service.js';

const roles: readonly StaffRole[] = ['agent', 'supervisor', 'admin'];

async function withAccounts(
  admin: AdminRuntime,
  use: (accounts: Accounts) => Promise<number>,
): Promise<number> {
  const { config, logger } = admin;
  const redis = await admin.redis();
  const catalogue = loadCatalogue(config.catalogueDir);
  return withDatabase(admin, (db) =>
    use(
      createAccounts({
        db,
        redis,
        redisPrefix: config.redisPrefix,
        catalogue,
        sessionTtlSeconds: config.agents.sessionTtlSeconds,
        passwordHashMemoryKib: config.agents.passwordHashMemoryKib,
        sipSecrets: createSecretBox(Buffer.from(config.agents.sip.credentialsKey, 'base64')),
        logger,
      }),
    ),
  );
}

/** Reads the whole of stdin (a password piped in, so that it never appears in the process list or shell history). */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `npm run admin -- user:create|user:disable`. */
export const staffCommands: Record<string, AdminCommand> = {
  'user:create': {
    summary:
      '--username <u> --role <agent|supervisor|admin> --skills <dept,dept> [--name 王丽] [--commissioner csc-NN] --password-stdin',
    run: async (args, admin) => {
      const flags = parseFlags(
        args,
        {
          username: { type: 'string' },
          role: { type: 'string' },
          skills: { type: 'string' },
          name: { type: 'string' },
          commissioner: { type: 'string' },
          'password-stdin': { type: 'boolean' },
        },
        ['username', 'role'],
      );
      if (!roles.includes(flags.role as StaffRole))
        throw new ValidationError(`--role must be one of ${roles.join(', ')}`);
      if (!flags['password-stdin'])
        throw new ValidationError(
          'give the password on stdin with --password-stdin (never as an argument)',
        );
      const password = await readStdin();
      const skills = (flags.skills ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return withAccounts(admin, async (accounts) => {
        const user = await accounts.createUser({
          username: flags.username!,
          role: flags.role as StaffRole,
          skills,
          password,
          commissionerId: flags.commissioner,
          displayName: flags.name,
        });
        console.log(
          `created ${user.role} ${user.id}${user.displayName ? ` (${user.displayName})` : ''} with skills ${user.skills.join(', ') || '(none)'}`,
        );
        return 0;
      });
    },
  },
  'user:phone': {
    summary:
      "--username <u> [--sip sip:u@domain] [--desk-number +86…] [--sip-password-stdin]: where a TwiML-core provider rings the agent, and the password the panel's SIP softphone registers with (an empty value clears one)",
    run: async (args, admin) => {
      const flags = parseFlags(
        args,
        {
          username: { type: 'string' },
          sip: { type: 'string' },
          'desk-number': { type: 'string' },
          'sip-password-stdin': { type: 'boolean' },
        },
        ['username'],
      );
      if (
        flags.sip === undefined &&
        flags['desk-number'] === undefined &&
        !flags['sip-password-stdin']
      )
        throw new ValidationError('give --sip, --desk-number, --sip-password-stdin or several');
      // Like the login password: on stdin, never as an argument (it would show in ps and the shell history).
      const sipPassword = flags['sip-password-stdin'] ? await readStdin() : undefined;
      return withAccounts(admin, async (accounts) => {
        const user = await accounts.setPhone(flags.username!, {
          sipAddress: flags.sip,
          deskNumber: flags['desk-number'],
          sipPassword,
        });
        console.log(
          `${user.id} is rung at ${[user.sipAddress, user.deskNumber].filter(Boolean).join(' or ') || '(nothing: the softphone only)'}; SIP softphone password ${user.sipPasswordSealed ? 'set (stored encrypted)' : 'not set'}`,
        );
        return 0;
      });
    },
  },
  'user:disable': {
    summary: '--username <u>: disable the account and end its sessions',
    run: async (args, admin) => {
      const flags = parseFlags(args, { username: { type: 'string' } }, ['username']);
      return withAccounts(admin, async (accounts) => {
        await accounts.disableUser(flags.username!);
        console.log(`disabled ${flags.username}`);
        return 0;
      });
    },
  },
};
