/**
 * The channel API (services, slots, holds, bookings, feeds) as OpenAPI 3.1, served at
 * /api/openapi.json. test/openapi/openapi.test.ts validates real answers against it.
 */
const json = (schema: unknown) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const localTime = {
  type: 'string',
  format: 'date-time',
  description: 'ISO 8601 with the +08:00 offset',
};
const bearer = [{ channelKey: [] }];

const errors = {
  '401': error('No API key, or a revoked or unknown one (`unauthorized`).'),
  '422': error(
    'A field is not acceptable (`validation_failed`, `details.fields` lists field and reason).',
  ),
};

export const channelOpenApi = {
  openapi: '3.1.0',
  info: {
    title: '双鸭山市政务服务预约 · 渠道接口',
    version: '1.0.0',
    description:
      'The shared booking calendar for the website, the WeChat service 双营通 and the walk-in desk. Times are ISO 8601 in Asia/Shanghai (+08:00). Errors are `{ error: { code, message, messageZh, details? } }`: `message` in English for developers, `messageZh` in Chinese for people.',
  },
  servers: [{ url: '/api' }],
  components: {
    securitySchemes: {
      channelKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'The channel API key (sysk_…), made with `npm run admin -- apikey:create`.',
      },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message', 'messageZh'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string', description: 'English, for developers and logs.' },
              messageZh: {
                type: 'string',
                description: 'Chinese, for people (坐席、市民): show this one.',
              },
              details: {},
            },
          },
        },
      },
      Service: {
        type: 'object',
        required: [
          'id',
          'name',
          'hallId',
          'hallName',
          'departmentId',
          'departmentName',
          'minutes',
          'bring',
        ],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          hallId: { type: 'string' },
          hallName: { type: 'string' },
          departmentId: { type: 'string' },
          departmentName: { type: 'string' },
          minutes: { type: 'integer' },
          bring: { type: 'string' },
        },
      },
      Slot: {
        type: 'object',
        required: ['id', 'hallId', 'serviceId', 'startsAt', 'endsAt', 'capacity', 'available'],
        properties: {
          id: { type: 'integer' },
          hallId: { type: 'string' },
          serviceId: { type: 'string' },
          startsAt: localTime,
          endsAt: localTime,
          capacity: { type: 'integer', minimum: 0 },
          available: {
            type: 'integer',
            minimum: 0,
            description: "Places the caller's channel may still take.",
          },
        },
        additionalProperties: false,
      },
      Hold: {
        type: 'object',
        required: ['id', 'slotId', 'status', 'expiresAt'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          slotId: { type: 'integer' },
          status: { const: 'active' },
          expiresAt: localTime,
        },
        additionalProperties: false,
      },
      Booking: {
        type: 'object',
        required: [
          'id',
          'code',
          'status',
          'channel',
          'name',
          'phone',
          'idNumber',
          'flag',
          'slot',
          'createdAt',
        ],
        properties: {
          id: { type: 'string', format: 'uuid' },
          code: { type: 'string', pattern: '^\\d{8}$' },
          status: { enum: ['confirmed', 'checked_in', 'cancelled', 'no_show'] },
          channel: { enum: ['phone', 'ivr', 'web', 'wechat', 'walk_in'] },
          name: { type: 'string' },
          phone: { type: 'string', description: 'Masked: +86*******1234.' },
          idNumber: { type: 'string', description: 'Masked: 2305**********1234.' },
          flag: { enum: ['capacity_lowered', 'hall_closed', null] },
          slot: {
            type: 'object',
            required: [
              'id',
              'hallId',
              'hallName',
              'address',
              'serviceId',
              'serviceName',
              'startsAt',
              'endsAt',
              'bring',
            ],
            properties: {
              id: { type: 'integer' },
              hallId: { type: 'string' },
              hallName: { type: 'string' },
              address: { type: 'string' },
              serviceId: { type: 'string' },
              serviceName: { type: 'string' },
              startsAt: localTime,
              endsAt: localTime,
              bring: { type: 'string' },
            },
            additionalProperties: false,
          },
          createdAt: localTime,
        },
        additionalProperties: false,
      },
      BookingRequest: {
        type: 'object',
        required: ['name', 'phone', 'idNumber'],
        properties: {
          slotId: { type: 'integer' },
          holdId: { type: 'string', format: 'uuid' },
          name: { type: 'string', maxLength: 50 },
          phone: { type: 'string' },
          idNumber: { type: 'string' },
        },
        oneOf: [{ required: ['slotId'] }, { required: ['holdId'] }],
      },
      FeedReceipt: {
        type: 'object',
        required: ['id', 'channel', 'from', 'to', 'rows', 'checksum', 'receivedAt', 'duplicate'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          channel: { enum: ['web', 'wechat', 'walk_in'] },
          from: { type: 'string', format: 'date' },
          to: { type: 'string', format: 'date' },
          rows: { type: 'integer' },
          checksum: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          receivedAt: { type: 'string', format: 'date-time' },
          duplicate: { type: 'boolean' },
        },
        additionalProperties: false,
      },
      FeedRefused: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message', 'messageZh', 'details'],
            properties: {
              code: { const: 'feed_invalid' },
              message: { type: 'string' },
              messageZh: { type: 'string' },
              details: {
                type: 'object',
                required: ['problems'],
                properties: {
                  problems: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['line', 'field', 'reason'],
                      properties: {
                        line: { type: 'integer' },
                        field: { type: 'string' },
                        reason: { type: 'string' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  paths: {
    '/services': {
      get: {
        summary: 'Bookable services of every hall',
        responses: {
          '200': {
            description: 'The services',
            content: json({ type: 'array', items: ref('Service') }),
          },
        },
      },
    },
    '/slots': {
      get: {
        summary:
          "Open slots of a service between two dates (public; `available` for the caller's channel, the website's without a key)",
        parameters: ['hall', 'service']
          .map((name) => ({ name, in: 'query', required: true, schema: { type: 'string' } }))
          .concat(
            ['from', 'to'].map((name) => ({
              name,
              in: 'query',
              required: false,
              schema: { type: 'string', format: 'date' },
            })),
          ),
        responses: {
          '200': { description: 'The slots', content: json({ type: 'array', items: ref('Slot') }) },
          '404': error('No such bookable service in that hall (`not_found`).'),
          '422': errors['422'],
        },
      },
    },
    '/holds': {
      post: {
        summary: 'Hold a place for a few minutes',
        security: bearer,
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['slotId'],
            properties: { slotId: { type: 'integer' } },
          }),
        },
        responses: {
          '201': { description: 'Held', content: json(ref('Hold')) },
          '409': error('`slot_full`.'),
          ...errors,
        },
      },
    },
    '/holds/{id}': {
      delete: {
        summary: 'Let a hold go',
        security: bearer,
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        ],
        responses: {
          '204': { description: 'Released' },
          '404': error('No such hold of this channel.'),
          ...errors,
        },
      },
    },
    '/bookings': {
      post: {
        summary: 'Book a slot or a held place, once per Idempotency-Key',
        security: bearer,
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: true,
            schema: { type: 'string', maxLength: 200 },
          },
        ],
        requestBody: { required: true, content: json(ref('BookingRequest')) },
        responses: {
          '201': {
            description: 'Booked (a replay carries `Idempotent-Replayed: true`)',
            content: json(ref('Booking')),
          },
          '409': error(
            '`slot_full`, `duplicate_booking`, `hold_expired`, `booking_suspended`, `request_in_progress`.',
          ),
          ...errors,
        },
      },
    },
    '/bookings/{code}': {
      get: {
        summary: 'A booking by its code; a channel gives `last4` of the phone or ID number',
        security: bearer,
        parameters: [
          {
            name: 'code',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^\\d{8}$' },
          },
          {
            name: 'last4',
            in: 'query',
            required: true,
            schema: { type: 'string', pattern: '^\\d{3}[\\dXx]$' },
          },
        ],
        responses: {
          '200': { description: 'The booking', content: json(ref('Booking')) },
          '404': error('No such booking of this channel.'),
          '429': error('Too many failed look-ups (`rate_limited`, `Retry-After`).'),
          ...errors,
        },
      },
    },
    ...Object.fromEntries(
      (['cancel', 'reschedule', 'check-in'] as const).map((action) => [
        `/bookings/{id}/${action}`,
        {
          post: {
            summary: {
              cancel: 'Cancel a confirmed booking (twice answers the same)',
              reschedule: 'Move a confirmed booking to another slot of the same service',
              'check-in': 'Check in on the day (walk-in desk)',
            }[action],
            security: bearer,
            parameters: [
              {
                name: 'id',
                in: 'path',
                required: true,
                schema: { type: 'string', format: 'uuid' },
              },
            ],
            ...(action === 'reschedule'
              ? {
                  requestBody: {
                    required: true,
                    content: json({
                      type: 'object',
                      required: ['slotId'],
                      properties: { slotId: { type: 'integer' } },
                    }),
                  },
                }
              : {}),
            responses: {
              '200': { description: 'The booking now', content: json(ref('Booking')) },
              '404': error('No such booking of this channel.'),
              '409': error(
                {
                  cancel: '`not_cancellable`.',
                  reschedule: '`not_reschedulable`, `slot_full`, `duplicate_booking`.',
                  'check-in': '`not_checkable`.',
                }[action],
              ),
              ...(action === 'check-in'
                ? { '403': error('Only the walk-in desk and staff check in.') }
                : {}),
              ...errors,
            },
          },
        },
      ]),
    ),
    '/channel-feeds': {
      post: {
        summary: "Send the channel's booking list for a date range (see docs/channel-feeds.md)",
        security: bearer,
        parameters: ['from', 'to'].map((name) => ({
          name,
          in: 'query',
          required: false,
          description: 'CSV only: the range.',
          schema: { type: 'string', format: 'date' },
        })),
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['from', 'to', 'bookings'],
                properties: {
                  from: { type: 'string', format: 'date' },
                  to: { type: 'string', format: 'date' },
                  bookings: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['bookingId', 'hall', 'service', 'slotStart', 'phone', 'status'],
                      properties: {
                        bookingId: { type: 'string' },
                        hall: { type: 'string' },
                        service: { type: 'string' },
                        slotStart: localTime,
                        idNumber: { type: 'string' },
                        idHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
                        phone: { type: 'string' },
                        status: { enum: ['booked', 'cancelled', 'attended', 'no_show'] },
                      },
                    },
                  },
                },
              },
            },
            'text/csv': {
              schema: {
                type: 'string',
                description:
                  'Header: booking_id,hall,service,slot_start,id_number,id_hash,phone,status',
              },
            },
          },
        },
        responses: {
          '201': { description: 'Stored', content: json(ref('FeedReceipt')) },
          '200': {
            description: 'The same bytes were received before for the same range',
            content: json(ref('FeedReceipt')),
          },
          '400': error('The JSON cannot be read.'),
          '401': errors['401'],
          '403': error('Only a channel key may send a feed.'),
          '413': error('Larger than FEED_MAX_MB (`too_large`).'),
          '422': {
            description: 'Refused whole: every bad row with its line',
            content: json(ref('FeedRefused')),
          },
          '429': error(
            'This key has sent FEED_MAX_PER_KEY feeds in the window (`rate_limited`, `Retry-After`).',
          ),
        },
      },
    },
  },
} as const;
