import { Router } from 'express';
import { channelOpenApi } from './channel-openapi.js';

/** `GET /api/openapi.json`: the channel API's description, public. */
export function createOpenApiRoutes(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(channelOpenApi);
  });
  return router;
}
