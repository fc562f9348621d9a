import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { sendVendorScript } from '../platform/http.js';

/** Apache ECharts' browser bundle, from node_modules (the package's main entry lies in dist/). */
export function echartsBundlePath(): string {
  return join(dirname(createRequire(import.meta.url).resolve('echarts')), 'echarts.min.js');
}

/**
 * The charts page's extras under /panel: `/panel/reports` opens reports.html (a static page of
 * the panel), and ECharts is served by the app itself, so the CSP's script-src 'self' holds.
 */
export function createReportPageRoutes(): Router {
  const router = Router();
  router.get('/vendor/echarts.min.js', sendVendorScript(echartsBundlePath()));
  router.get('/reports', (req, res) => {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    res.redirect(302, `reports.html${query}`);
  });
  return router;
}
