/*
 * The scripts of a demo history: what each call and each booking does, decided before
 * anything is played (history-model.ts, history-bookings.ts) and played through the
 * service's own components (call-player.ts, booking-player.ts).
 */

/** The person a booking is for. */
export interface Person {
  name: string;
  /** E.164. */
  phone: string;
  /** A valid 18-character resident ID number (Shuangyashan's region code). */
  idNumber: string;
}

/** A booking the history makes: the service, how many days ahead and the person (what becomes of it is decided at the end of the day, booking-player.ts). */
export interface PlannedBooking {
  serviceId: string;
  /** Days after the booking day of the first day to look for a free place. */
  daysAhead: number;
  person: Person;
}

/** A booking made through another channel at a moment of the day. */
export interface ChannelBooking extends PlannedBooking {
  at: Date;
  channel: 'web' | 'wechat' | 'walk_in';
}

/** One agent's part of an answered call. */
export interface AgentLeg {
  agentId: string;
  /** Seconds from queueing (or from the transfer) to this agent answering. */
  waitSeconds: number;
  talkSeconds: number;
  wrapUpSeconds: number;
  /** The outcome the agent records at the end of wrap-up (the API's path and body); none lets wrap-up run out. */
  outcome?: {
    path: 'consultation' | 'completed-by-phone' | 'booking' | 'other';
    body: Record<string, unknown>;
  };
  /** With a `booking` outcome: what the agent books in the shared calendar while talking. */
  booking?: PlannedBooking;
}

/** A call as the service sees it, stage by stage. */
export interface CallScript {
  callSid: string;
  hotline: string;
  from: string;
  arrivedAt: Date;
  /** Seconds in the menus before the call ends there, queues or books. */
  ivrSeconds: number;
  /** How the menus end: hung up there, booked by keypad, or queued for a department. */
  ivr: 'abandoned' | 'self-served' | 'queue';
  /** A self-served caller who books by keypad. */
  ivrBooking?: PlannedBooking;
  queue?: {
    skill: string;
    /** Answered by the first leg; a second leg means the first agent transferred the call there. */
    legs?: AgentLeg[];
    /** Not answered: hung up after this many seconds, or left for a callback. */
    leftAfterSeconds?: number;
    callback?: { attempts: number; reached: boolean; afterSeconds: number };
  };
}

/** An agent of the history, answering its department's calls. */
export interface HistoryAgent {
  id: string;
  department: string;
}

export interface HistoryDay {
  day: string;
  /** In arrival order. */
  calls: CallScript[];
  /** Bookings through the website, WeChat and the halls' desks, in time order (history-bookings.ts). */
  bookings: ChannelBooking[];
}

export interface HistoryPlan {
  agents: HistoryAgent[];
  days: HistoryDay[];
  answered: number;
}
