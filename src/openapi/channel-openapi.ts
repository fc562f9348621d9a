import { channelPaths } from './openapi-paths.js';
import { channelSchemas } from './openapi-schemas.js';

/**
 * The channel API (services, slots, holds, bookings, feeds) as OpenAPI 3.1, served at
 * /api/openapi.json. test/openapi/openapi.test.ts validates real answers against it.
 */
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
    schemas: channelSchemas,
  },
  paths: channelPaths,
} as const;
