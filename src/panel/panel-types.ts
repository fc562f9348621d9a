/**
 * The JSON shapes the panel's pages read, declared once beside the server code that sends them.
 * The pages (plain ES modules) import them in JSDoc (`@typedef {import('../panel-types.js').X}`),
 * and `tsc` checks the pages marked `// @ts-check` against them.
 */
import type { EvaluationReport } from '../evaluations/index.js';
import type { GuideReport } from '../guides/index.js';
import type { PeriodReportBody } from '../reports/index.js';

export type { ApiErrorBody } from '../platform/http.js';
export type { AnnouncementAdded, AnnouncementList, AnnouncementView } from '../ivr/index.js';
export type { StaffList, StaffMe, StaffRole, StaffSaved, StaffView } from '../staff/index.js';
export type {
  Wallboard,
  WallboardAgent,
  WallboardAlert,
  WallboardQueue,
  WallboardTotals,
} from '../supervision/index.js';
export type { AgentSnapshot } from '../routing/index.js';
export type {
  DetailsByClass,
  FeedRefusal,
  ItemView as ReconciliationItem,
  ReconciliationClass,
  RunDetail as ReconciliationRunDetail,
  RunView as ReconciliationRun,
} from '../reconciliation/index.js';
export type {
  CapacityLimitAdded,
  CapacityLimitRemoved,
  CapacityLimits,
  CapacityLimitView,
  ClosureAdded,
  ClosureView,
  Closures,
  FlaggedBooking,
  FlaggedBookings,
} from '../booking/index.js';
export type {
  CallCard,
  CallOutcomeList,
  CallOutcomeView,
  DeskCall,
  DeskCallCard,
  DeskCallback,
  DeskDirectory,
  DeskHoldStarted,
  DeskMe,
  DeskMyWork,
  DeskServiceOption,
  DeskServiceOptions,
  DeskStateChange,
  SoftphoneRegistration,
  SoftphoneToken,
} from '../desk/index.js';
export type { CallRecordings } from '../recordings/index.js';
export type { PublicHotline } from '../catalogue/index.js';
export type {
  CallerSocketMessage,
  LocalSoftphone,
  PartyEvent,
  PhoneSocketMessage,
  TelephonyInbox,
} from '../telephony/index.js';
export type { BookingView, HoldView, SlotView } from '../booking/index.js';
export type {
  CaseView,
  EvaluationFigures,
  EvaluationSetting,
  EvaluationSettings,
  FollowUpCase,
  FollowUpCases,
} from '../evaluations/index.js';
export type { EvaluationReport, GuideReport };
export type {
  GuideAnswer,
  GuideForCall,
  GuideHistory,
  GuideHit,
  GuideList,
  GuideListing,
  GuideRevision,
  GuideSearch,
  GuideSmsQueued,
  GuideView,
} from '../guides/index.js';
export type { StaffingPlan } from '../reports/index.js';

/**
 * `GET /api/reports/period` as the statistics page reads it: the report with the sections that
 * app.ts adds to it (好差评 under `evaluations`, the guides under `guides`).
 */
export type PeriodReportPage = PeriodReportBody & {
  evaluations: EvaluationReport;
  guides: GuideReport;
};
export type { TrainingAnswer, TrainingBooking, TrainingView } from '../training/index.js';
