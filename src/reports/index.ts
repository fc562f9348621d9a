export {
  createReportsService,
  type ReportsService,
  type PeriodReport,
  type PeriodReportBody,
  type HotlineStats,
  type StatsRow,
  type StaffingPlan,
} from './reports-service.js';
export { withRatios } from './reports-counts.js';
export { OutsideHistoryError } from './reports-history.js';
export { createReportRoutes, periodReportBody, type ReportSection } from './reports-routes.js';
export { createReportJobs, scheduleDailyReport } from './reports-jobs.js';
export { reportCommands } from './reports-commands.js';
export { buildCsv } from './reports-export-csv.js';
export { buildXlsx } from './reports-export-xlsx.js';
export { resolvePeriod, spanText, type Period, type PeriodQuery } from './reports-periods.js';
export { erlangC, erlangCLevel, agentsNeeded, type ErlangCLevel } from './erlang-c.js';
export { createReportPageRoutes } from './reports-page-routes.js';
