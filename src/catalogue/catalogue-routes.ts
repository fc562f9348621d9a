import { Router } from 'express';
import type { Catalogue } from './catalogue-loader.js';

/** One hotline as `GET /api/hotlines` lists it: its number, name, hall and department. */
export interface PublicHotline {
  number: string;
  name: string;
  hall: string;
  hallId: string;
  department: string;
  departmentId: string;
}

/** Public, unauthenticated catalogue reads. */
export function createCatalogueRoutes(catalogue: Catalogue): Router {
  const router = Router();
  const publicHotlines = catalogue.hotlines.map((hotline): PublicHotline => {
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
