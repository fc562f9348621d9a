/** A local time as the channel API writes it. */
export const localTime = {
  type: 'string',
  format: 'date-time',
  description: 'ISO 8601 with the +08:00 offset',
};

/** The channel API's schemas (components.schemas of its OpenAPI description). */
export const channelSchemas = {
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
} as const;
