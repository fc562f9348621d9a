export { createReportsService, withRatios, type ReportsService, type PeriodReport, type HotlineStats, type StatsRow } from './reports-service.js';
export { createReportRoutes } from './reports-routes.js';
export { createReportJobs, scheduleDailyReport } from './reports-jobs.js';
export { reportCommands } from './reports-commands.js';
export { buildCsv, buildXlsx } from './reports-export.js';
