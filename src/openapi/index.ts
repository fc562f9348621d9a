export { channelOpenApi } from './channel-openapi.js';
export { createOpenApiRoutes } from './openapi-routes.js';
