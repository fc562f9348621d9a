import type { AgentSnapshot, AgentState, CallHolds } from '../routing/index.js';
import type { StaffMe } from '../staff/index.js';
import type { CallCard } from './desk-card-service.js';
import type { DeliveryDetails } from './desk-schemas.js';
import type { CallOutcomeRow } from './outcomes-repository.js';

/*
 * The JSON the desk's routes answer, as the agents' pages read it (src/panel/panel-types.ts
 * gives these types to the pages).
 */

/** Where a callback request stands on the agent's "My work" list. */
export type CallbackGroup = 'done' | 'closed' | 'dialing' | 'attempted' | 'due' | 'later';

/** `GET /api/agents/me`: the signed-in agent and their state. */
export interface DeskMe {
  user: StaffMe;
  state: AgentSnapshot;
}

/** `PUT /api/agents/me/state`: the agent's state after the change. */
export interface DeskStateChange {
  state: AgentSnapshot;
}

/** `POST /api/agents/me/calls/:callSid/hold`: the caller hears the hold music since `since`. */
export type DeskHoldStarted = Awaited<ReturnType<CallHolds['hold']>>;

/** `GET /api/desk/call`: the card of the call on the agent's line, the wrap-up deadline and the hold. */
export interface DeskCall {
  state: AgentState;
  call: CallCard | null;
  /** When the wrap-up ends (ISO instant), while the agent is in wrap-up with a card. */
  wrapUpEndsAt: string | null;
  hold: { since: string } | null;
  /** Whether the caller can be held: only a caller who came through a queue. */
  holdable: boolean;
  /** The server's clock, so that the page's timers run on it. */
  now: string;
}

/** A service as the outcome forms search it: by name, keyword, department or hall. */
export interface DeskServiceOption {
  id: string;
  name: string;
  department: string;
  hall: string;
  hallId: string;
  byPhone: boolean;
  postal: boolean;
  bookable: boolean;
  keywords: string[];
}

/** `GET /api/desk/services`: the catalogue's services. */
export interface DeskServiceOptions {
  services: DeskServiceOption[];
}

/** `GET /api/desk/directory`: departments and colleagues to transfer to, with who is free now. */
export interface DeskDirectory {
  departments: Array<{ id: string; name: string; available: number }>;
  agents: Array<{ id: string; name: string; state: AgentState; departments: string[] }>;
}

/** One callback of the agent's skills on "My work". */
export interface DeskCallback {
  id: number;
  queue: string;
  /** Masked. */
  phone: string;
  group: CallbackGroup;
  placeable: boolean;
  attempts: number;
  notBefore: string;
  /** '' when never tried. */
  lastAttempt: string;
}

/** `GET /api/desk/my-work`: today's own figures and the callbacks of the agent's skills. */
export interface DeskMyWork {
  figures: {
    handled: number;
    talk_seconds: number;
    after_call_seconds: number;
    consultations: number;
    completed_by_phone: number;
    bookings: number;
    other: number;
    /** Calls answered today whose outcome is marked missing. */
    missing: number;
    /** Talk and after-call seconds per call handled, rounded; null before the first call. */
    handleSeconds: number | null;
  };
  callbacks: DeskCallback[];
}

/** `GET /api/desk/calls/:callSid/card`: a past or present call's card, for supervisors. */
export interface DeskCallCard {
  call: CallCard;
}

/** One outcome recorded for a call, as `GET /api/calls/:callSid/outcomes` sends it. */
export type CallOutcomeView = Omit<CallOutcomeRow, 'recordedAt' | 'details'> & {
  /** What the outcome's form recorded; an item completed by phone carries its `delivery`. */
  details: Record<string, unknown> & { delivery?: DeliveryDetails };
  recordedAt: string;
};

/** `GET /api/calls/:callSid/outcomes`: the outcomes recorded for the call. */
export interface CallOutcomeList {
  outcomes: CallOutcomeView[];
}
