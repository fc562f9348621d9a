import type { Booking } from './booking/index.js';
import type { CallbackRequests, Callbacks } from './callbacks/index.js';
import type { WorkCalendar } from './calendar/index.js';
import type { CallLedger } from './calls/index.js';
import type { Catalogue } from './catalogue/index.js';
import type { DeskComponent } from './desk/index.js';
import type { Evaluations, FollowUps } from './evaluations/index.js';
import type { Guides } from './guides/index.js';
import type { Announcements, Menu } from './ivr/index.js';
import type { Clock } from './platform/clock.js';
import type { Config } from './platform/config.js';
import type { DatabaseHandle } from './platform/db.js';
import type { Logger } from './platform/logger.js';
import type { Queues } from './platform/queues.js';
import type { ReadinessCheck } from './platform/readiness.js';
import type { Redis } from './platform/redis.js';
import type { TwilioClient } from './platform/twilio-client.js';
import type { Reconciliation } from './reconciliation/index.js';
import type { Recordings } from './recordings/index.js';
import type { ReportsService } from './reports/index.js';
import type { RoutingComponent } from './routing/index.js';
import type { InfrastructureOptions } from './runtime-infrastructure.js';
import type { Accounts, StaffAdmin } from './staff/index.js';
import type { Supervision } from './supervision/index.js';
import type { LocalTelephony } from './telephony/index.js';
import type { Training } from './training/index.js';

/** Everything a process is built from: infrastructure, catalogue and components. */
export interface Runtime {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: DatabaseHandle;
  redis: Redis;
  queues: Queues;
  twilio: TwilioClient;
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  ledger: CallLedger;
  /** Callback requests: taken by the IVR, placed by the callbacks component. */
  callbackRequests: CallbackRequests;
  /** Callbacks placed through routing: requests join the wait lists and ring an agent, then the citizen. */
  callbacks: Callbacks;
  calendar: WorkCalendar;
  /** The shared slot calendar: bookings, capacity, channel API keys. */
  booking: Booking;
  /** Announcements spoken after the IVR welcome. */
  announcements: Announcements;
  /** The ACD: agents' states, wait lists, offers, holds and transfers; the IVR hands queued calls to `routing.acd`. */
  routing: RoutingComponent;
  /** The agent's desk: call cards, outcomes, softphones, the work of the day. */
  desk: DeskComponent;
  /** The supervisors' reads: wallboard, agents, queues. */
  supervision: Supervision;
  /** Call recordings' references, plays and deletion after retention. */
  recordings: Recordings;
  reports: ReportsService;
  /** Channel feeds and the reconciliation runs. */
  reconciliation: Reconciliation;
  /** Staff accounts and their sessions. */
  staff: Accounts;
  /** Staff accounts managed from the browser, audited. */
  staffAdmin: StaffAdmin;
  /** The service guides (办事指南): on the desk, searched, edited, sent by SMS. */
  guides: Guides;
  /** 好差评: the evaluation menu after a call, and the follow-up of every 差评. */
  evaluations: Evaluations;
  /** The follow-up (回访) of every 差评. */
  followUps: FollowUps;
  readiness: ReadinessCheck[];
  /** The built-in telephony provider (TELEPHONY_PROVIDER=local): its REST resources are served by the web role under /telephony. */
  telephony?: LocalTelephony;
  /** Training sessions: simulated callers through the built-in provider (refused without it). */
  training: Training;
  /** Where this process's web server listens once it does (the local provider's webhooks and REST go there). */
  listening: { url?: string };
  close(): Promise<void>;
}

export interface RuntimeOptions extends InfrastructureOptions {
  logger?: Logger;
  clock?: Clock;
}
