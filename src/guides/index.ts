export { loadGuides, GuideError, GUIDES_DIR } from './guides-loader.js';
export { createGuides, type Guides } from './guides-service.js';
export type { GuideView, GuideHit } from './guides-views.js';
export type {
  GuideAnswer,
  GuideForCall,
  GuideHistory,
  GuideList,
  GuideListing,
  GuideRevision,
  GuideSearch,
  GuideSmsQueued,
} from './guides-responses.js';
export { createGuideRoutes } from './guides-routes.js';
export { createGuideJobs } from './guides-jobs.js';
export { guideSchema, type Guide } from './guides-schemas.js';
export { buildSearchIndex, bigrams, normalise, type SearchIndex } from './guides-search.js';
export { guideSmsText, smsParts, GUIDE_SMS_MAX_CHARS } from './guides-sms.js';
export { guideReport, type GuideReport } from './guides-stats.js';
