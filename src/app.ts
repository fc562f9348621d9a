import express, { type Express } from 'express';
import helmet from 'helmet';
import { createPanelRoutes } from './panel/index.js';
import {
  actorFromPrincipal,
  createBookingRoutes,
  createBookingVoiceRoutes,
  createCapacityRoutes,
  createPhoneLedgerRoutes,
} from './booking/index.js';
import { createCallbackVoiceRoutes } from './callbacks/index.js';
import { createCallRoutes } from './calls/index.js';
import { createCatalogueRoutes } from './catalogue/index.js';
import { createAgentRoutes, createDeskRoutes } from './desk/index.js';
import {
  createEvaluationRoutes,
  createEvaluationVoiceRoutes,
  withEvaluationSheet,
  type EvaluationReport,
} from './evaluations/index.js';
import { createGuideRoutes } from './guides/index.js';
import { createAnnouncementRoutes, createIvrRoutes } from './ivr/index.js';
import { createOpenApiRoutes } from './openapi/index.js';
import { createFeedRoutes, createReconciliationRoutes } from './reconciliation/index.js';
import { createRecordingRoutes, createRecordingVoiceRoutes } from './recordings/index.js';
import { createReportPageRoutes, createReportRoutes, type ReportSection } from './reports/index.js';
import { createRoutingVoiceRoutes } from './routing/index.js';
import { createStaffManagementRoutes, createStaffRoutes } from './staff/index.js';
import { createSupervisionRoutes, createSupervisionVoiceRoutes } from './supervision/index.js';
import { createTelephonyPageRoutes } from './telephony/index.js';
import { createTrainingRoutes } from './training/index.js';
import { authenticate } from './platform/auth.js';
import { NotFoundError } from './platform/errors.js';
import { jsonErrorHandler } from './platform/http.js';
import { runReadiness } from './platform/readiness.js';
import { voiceErrorHandler } from './platform/twiml.js';
import { twilioWebhookGuard } from './platform/twilio-webhook.js';
import { voiceDispatcher } from './platform/voice-routes.js';
import type { Runtime } from './runtime.js';

/** Builds the Express app of the web role from its dependencies; it does not listen. */
/** The sections other components add to the period's statistics: 好差评 (with its XLSX sheet), the guides. */
export function reportSections(runtime: Runtime): ReportSection[] {
  return [
    {
      name: 'evaluations',
      figures: (from, to) => runtime.evaluations.report(from, to),
      addToXlsx: (xlsx, figures) => withEvaluationSheet(xlsx, figures as EvaluationReport),
    },
    {
      name: 'guides',
      figures: (from, to) => runtime.guides.report(from, to),
    },
  ];
}

export function createApp(runtime: Runtime): Express {
  const { config, logger } = runtime;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const result = await runReadiness(runtime.readiness);
    res
      .status(result.ready ? 200 : 503)
      .json({ status: result.ready ? 'ready' : 'not ready', checks: result.checks });
  });

  // The built-in provider's REST API (TELEPHONY_PROVIDER=local): the service reaches it as it would Twilio's, over HTTP.
  if (runtime.telephony) {
    app.use(
      '/telephony',
      createTelephonyPageRoutes({
        inbox: runtime.telephony.inbox,
        authenticator: runtime.staff.authenticator,
      }),
    );
    app.use('/telephony', runtime.telephony.restRoutes);
  }

  const { prompts } = runtime.catalogue;
  const voiceRoutes = [
    createIvrRoutes({
      catalogue: runtime.catalogue,
      menus: runtime.menus,
      ledger: runtime.ledger,
      calendar: runtime.calendar,
      announcements: runtime.announcements,
      routing: runtime.routing.acd,
      callbackRequests: runtime.callbackRequests,
      redis: runtime.redis,
      redisPrefix: config.redisPrefix,
      clock: runtime.clock,
      logger,
      voice: config.twilio.voice,
      telephony: config.telephony,
      publicBaseUrl: config.publicBaseUrl,
      holdMusicUrl: config.ivr.holdMusicUrl,
      callbackOfferSeconds: config.ivr.callbackOfferSeconds,
    }),
    createCallRoutes(runtime.ledger, runtime.queues, logger),
    createRoutingVoiceRoutes({ routing: runtime.routing.acd, holds: runtime.routing.holds }),
    createCallbackVoiceRoutes({ callbacks: runtime.callbacks, ledger: runtime.ledger, logger }),
    createRecordingVoiceRoutes(runtime.recordings),
    createEvaluationVoiceRoutes(runtime.evaluations),
    createSupervisionVoiceRoutes(runtime.supervision),
    createBookingVoiceRoutes({
      booking: runtime.booking.service,
      capacity: runtime.booking.capacity,
      calendar: runtime.calendar,
      catalogue: runtime.catalogue,
      menus: runtime.menus,
      ledger: runtime.ledger,
      clock: runtime.clock,
      config,
      redis: runtime.redis,
      logger,
      afterSelfService: (callSid) => runtime.evaluations.afterSelfService(callSid),
    }),
  ];
  // Every voice webhook, under VOICE_BASE_PATH: the guard (body, signature, bounds), then its handler by path.
  app.use(
    voiceDispatcher(
      voiceRoutes,
      twilioWebhookGuard({
        authToken: config.twilio.authToken,
        publicBaseUrl: config.publicBaseUrl,
        logger,
      }),
      voiceErrorHandler(
        logger,
        config.twilio.voice,
        prompts.say('system.apology', { fallback: prompts.say('city.fallback') }),
      ),
    ),
  );

  // Pages and the API get the browser security headers; the voice webhooks above answer Twilio, not a browser.
  // Helmet's default CSP ('self' scripts, no inline ones), plus the Twilio endpoints the panel's softphone talks to.
  // upgrade-insecure-requests only behind https: a hall's LAN opens the panel over plain HTTP,
  // where the upgrade would send every script and style to an https port that is not there.
  const https = config.publicBaseUrl.startsWith('https:');
  // Without client dialing the softphone is a SIP client on the provider's WebSocket server instead.
  const sipServer =
    !config.telephony.clientDialing && config.agents.sip.wsUrl
      ? [new URL(config.agents.sip.wsUrl).origin]
      : [];
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          connectSrc: ["'self'", 'wss://*.twilio.com', 'https://*.twilio.com', ...sipServer],
          // The softphone's sounds are the app's own (panel/vendor/sounds), not Twilio's CDN.
          mediaSrc: ["'self'"],
          upgradeInsecureRequests: https ? [] : null,
        },
      },
      strictTransportSecurity: https,
    }),
  );

  app.use(
    '/api/channel-feeds',
    createFeedRoutes({
      feeds: runtime.reconciliation.feeds,
      authenticators: [runtime.staff.authenticator, runtime.booking.apiKeys.authenticator()],
      logger,
    }),
  );
  const api = express.Router();
  api.use(express.json({ limit: '100kb' }));
  api.use(authenticate([runtime.staff.authenticator, runtime.booking.apiKeys.authenticator()]));
  api.use(createOpenApiRoutes());
  api.use(
    createStaffRoutes({
      accounts: runtime.staff,
      secure: https,
      sessionTtlSeconds: config.agents.sessionTtlSeconds,
    }),
  );
  api.use(createCatalogueRoutes(runtime.catalogue));
  api.use(createReportRoutes(runtime.reports, reportSections(runtime)));
  const { routing, desk } = runtime;
  api.use(
    createAgentRoutes({
      desk: desk.desk,
      presence: routing.presence,
      softphones: desk.softphones,
      outcomes: desk.outcomes,
      transfer: routing.transfer,
      holds: routing.holds,
      events: routing.events,
    }),
  );
  api.use(createPhoneLedgerRoutes(runtime.booking.phoneLedger));
  api.use(createReconciliationRoutes(runtime.reconciliation.service));
  api.use(createDeskRoutes(desk.desk));
  api.use(createSupervisionRoutes(runtime.supervision));
  api.use(createStaffManagementRoutes(runtime.staffAdmin));
  api.use(createRecordingRoutes(runtime.recordings));
  api.use(
    createEvaluationRoutes({
      evaluations: runtime.evaluations,
      followUps: runtime.followUps,
      // A supervisor sees the cases of the departments among their skills; an admin, or a supervisor without any, sees all.
      departmentsOf: async (userId, role) => {
        const skills =
          role === 'admin' ? [] : ((await runtime.staff.findUser(userId))?.skills ?? []);
        return skills.length > 0 ? skills : undefined;
      },
    }),
  );
  api.use(
    createGuideRoutes({
      guides: runtime.guides,
      currentCallOf: async (agentId) =>
        (await runtime.routing.presence.snapshot(agentId)).callSid || undefined,
    }),
  );
  api.use(
    createTrainingRoutes({
      training: runtime.training,
      currentCallOf: async (agentId) =>
        (await runtime.routing.presence.snapshot(agentId)).callSid || undefined,
      releaseHold: (holdId, principal) =>
        runtime.booking.service.releaseHold(holdId, actorFromPrincipal(principal)),
    }),
  );
  api.use(
    createAnnouncementRoutes({
      announcements: runtime.announcements,
      catalogue: runtime.catalogue,
      clock: runtime.clock,
    }),
  );
  api.use(
    createCapacityRoutes({
      booking: runtime.booking.service,
      capacity: runtime.booking.capacity,
      catalogue: runtime.catalogue,
      calendar: runtime.calendar,
    }),
  );
  api.use(
    createBookingRoutes({
      booking: runtime.booking.service,
      lookup: runtime.booking.lookup,
      capacity: runtime.booking.capacity,
      catalogue: runtime.catalogue,
      clock: runtime.clock,
      config,
    }),
  );
  api.use((req, _res, next) =>
    next(new NotFoundError(`no such API route: ${req.method} ${req.baseUrl}${req.path}`)),
  );
  api.use(jsonErrorHandler(logger));
  app.use('/api', api);
  // Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says (a PDF viewer, a bookmark).
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/panel/favicon.svg'));
  app.use('/panel', createPanelRoutes());
  app.use('/panel', createReportPageRoutes());

  app.use((req, _res, next) => next(new NotFoundError(`no such route: ${req.method} ${req.path}`)));
  app.use(jsonErrorHandler(logger));
  return app;
}
