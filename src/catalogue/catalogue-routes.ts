import { Router } from 'express';
import type { Catalogue } from './catalogue-loader.js';

/** Public, unauthenticated catalogue reads. */
export function createCatalogueRoutes(catalogue: Catalogue): Router {
  const router = Router();
  const publicHotlines = catalogue.hotlines.map((hotline) => {
    const place = catalogue.department(hotline.department);
    return {
      number: hotline.number,
      name: hotline.name,
      hall: catalogue.hall(hotline.hall)?.name ?? hotline.hall,
      hallId: hotline.hall,
      department: place?.department.name ?? hotline.department,
      departmentId: hotline.department,
    };
  });
  router.get('/hotlines', (_req, res) => {
    res.json(publicHotlines);
  });
  return router;
}
