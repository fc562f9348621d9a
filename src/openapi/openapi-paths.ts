import { localTime } from './openapi-schemas.js';

const json = (schema: unknown) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const bearer = [{ channelKey: [] }];

const errors = {
  '401': error('No API key, or a revoked or unknown one (`unauthorized`).'),
  '422': error(
    'A field is not acceptable (`validation_failed`, `details.fields` lists field and reason).',
  ),
};

/** The channel API's paths (services, slots, holds, bookings, feeds) in its OpenAPI description. */
export const channelPaths = {
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
} as const;
