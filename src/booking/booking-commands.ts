import { z } from 'zod';
import { createWorkCalendar } from '../calendar/index.js';
import { loadCatalogue } from '../catalogue/index.js';
import {
  parseFlags,
  type AdminCommand,
  type AdminRuntime,
  withDatabase,
} from '../platform/admin-command.js';
import { parseInput } from '../platform/http.js';
import { createApiKeyService } from './api-key-service.js';
import { createBooking, type Booking } from './booking-component.js';
import { isoLocal } from './capacity-rules.js';

const channelSchema = z.enum(['web', 'wechat', 'walk_in']);

async function withBooking(
  admin: AdminRuntime,
  use: (booking: Booking) => Promise<number>,
): Promise<number> {
  const { config, logger, clock } = admin;
  const redis = await admin.redis();
  const queues = await admin.queues();
  return withDatabase(admin, async (db) => {
    const catalogue = loadCatalogue(config.catalogueDir);
    const calendar = await createWorkCalendar({ db, catalogue, clock, logger });
    return use(createBooking({ db, catalogue, calendar, clock, config, queues, redis, logger }));
  });
}

const printReconcile = (r: {
  slots: number;
  changed: number;
  flagged: number;
  holdsReleased: number;
}) =>
  console.log(
    `${r.slots} slots checked, ${r.changed} changed, ${r.flagged} bookings flagged for follow-up, ${r.holdsReleased} holds released`,
  );

/** Admin commands of the booking component (`npm run admin -- <command>`). */
export const bookingCommands: Record<string, AdminCommand> = {
  'apikey:create': {
    summary:
      '--channel <web|wechat|walk_in> --name <label>: make a channel API key (prints only the key)',
    run: async (args, admin) => {
      const flags = parseFlags(args, { channel: { type: 'string' }, name: { type: 'string' } }, [
        'channel',
        'name',
      ]);
      const channel = parseInput(channelSchema, flags.channel, '--channel');
      return withDatabase(admin, async (db) => {
        const created = await createApiKeyService({ db, clock: admin.clock }).create(
          channel,
          flags.name!,
        );
        console.log(created.key);
        console.error(
          `key ${created.id} for ${channel} (${flags.name}); it is shown once, store it now`,
        );
        return 0;
      });
    },
  },
  'apikey:revoke': {
    summary: '--id <key id>: revoke a channel API key',
    run: async (args, admin) => {
      const flags = parseFlags(args, { id: { type: 'string' } }, ['id']);
      return withDatabase(admin, async (db) => {
        const revoked = await createApiKeyService({ db, clock: admin.clock }).revoke(
          parseInput(z.uuid(), flags.id, '--id'),
        );
        console.log(revoked ? `key ${flags.id} revoked` : `no active key ${flags.id}`);
        return revoked ? 0 : 1;
      });
    },
  },
  'apikey:list': {
    summary: 'list channel API keys (ids, channels, names; never the keys)',
    run: async (_args, admin) => {
      return withDatabase(admin, async (db) => {
        for (const key of await createApiKeyService({ db, clock: admin.clock }).list()) {
          console.log(
            `${key.id}  ${key.channel.padEnd(8)} ${key.revokedAt ? 'revoked' : 'active '}  ${key.name}`,
          );
        }
        return 0;
      });
    },
  },
  'slots:release': {
    summary:
      'release slots up to the booking horizon now (the daily job does this at BOOKING_RELEASE_TIME)',
    run: async (_args, admin) =>
      withBooking(admin, async (booking) => {
        const { created, reconciled } = await booking.capacity.releaseSlots();
        console.log(`${created} slots created`);
        printReconcile(reconciled);
        return 0;
      }),
  },
  'capacity:limit': {
    summary:
      '--hall <id> [--service <id>] --from <date> --to <date> --percent <0-100> --reason <text> --by <name>: lower capacity (0 closes)',
    run: async (args, admin) => {
      const flags = parseFlags(
        args,
        {
          hall: { type: 'string' },
          service: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          percent: { type: 'string' },
          reason: { type: 'string' },
          by: { type: 'string' },
        },
        ['hall', 'from', 'to', 'percent', 'reason', 'by'],
      );
      return withBooking(admin, async (booking) => {
        const { limit, result } = await booking.capacity.limitCapacity({
          hallId: flags.hall!,
          serviceId: flags.service,
          from: flags.from!,
          to: flags.to!,
          percent: Number(flags.percent),
          reason: flags.reason!,
          createdBy: flags.by!,
        });
        console.log(
          `limit ${limit.id}: ${limit.hallId}${limit.serviceId ? `/${limit.serviceId}` : ''} ${limit.startsOn}..${limit.endsOn} at ${limit.percent}%`,
        );
        printReconcile(result);
        return 0;
      });
    },
  },
  'capacity:unlimit': {
    summary: '--id <n>: remove a capacity limit and restore capacity',
    run: async (args, admin) => {
      const flags = parseFlags(args, { id: { type: 'string' } }, ['id']);
      return withBooking(admin, async (booking) => {
        const result = await booking.capacity.removeLimit(Number(flags.id));
        if (!result) console.log(`no limit ${flags.id}`);
        else printReconcile(result);
        return result ? 0 : 1;
      });
    },
  },
  'capacity:reconcile': {
    summary:
      '--hall <id> --from <date> --to <date>: apply calendar closures and limits to existing slots (run after closure:add)',
    run: async (args, admin) => {
      const flags = parseFlags(
        args,
        { hall: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
        ['hall', 'from', 'to'],
      );
      return withBooking(admin, async (booking) => {
        printReconcile(
          await booking.capacity.reconcileCapacity(flags.hall!, flags.from!, flags.to!),
        );
        return 0;
      });
    },
  },
  'bookings:flagged': {
    summary:
      '[--hall <id>]: bookings flagged for follow-up after capacity was lowered or a hall closed',
    run: async (args, admin) => {
      const flags = parseFlags(args, { hall: { type: 'string' } });
      return withBooking(admin, async (booking) => {
        for (const row of await booking.service.listFlagged(flags.hall)) {
          console.log(
            `${row.code}  ${isoLocal(row.startsAt)}  ${row.hallId}/${row.serviceId}  ${row.flag}  ${row.channel}  ${row.idMasked}`,
          );
        }
        return 0;
      });
    },
  },
};
