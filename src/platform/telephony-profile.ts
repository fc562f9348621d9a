/** The providers' dialects the service can speak: Twilio's whole TwiML, or the core that Twilio-compatible providers run. */
export const TELEPHONY_PROFILES = ['twilio', 'twiml-core'] as const;
export type TelephonyProfileName = (typeof TELEPHONY_PROFILES)[number];

/**
 * What the voice provider executes, as the IVR, routing and agents ask it: they emit a verb or
 * call a REST resource only when the profile says the provider has it, and never test the
 * profile's name (which is for logs and the start-up message).
 */
export interface TelephonyProfile {
  readonly name: TelephonyProfileName;
  /** `<Gather input="speech">` with Mandarin recognition and hints; without it menus are keys only. */
  readonly speechInput: boolean;
  /**
   * The provider's own queues: `<Enqueue>`/`<Leave>` and the Queue Members REST resource. Without
   * them callers wait in the service's own wait loop (`<Play>`, `<Say>`, `<Redirect>`) and an
   * agent is connected by updating the live call (`POST /Calls/{sid}` with a new Url).
   */
  readonly queues: boolean;
  /** `<Dial><Client>` to the Voice SDK softphone; without it an agent is dialled at a SIP address (`<Sip>`) or a desk phone (`<Number>`). */
  readonly clientDialing: boolean;
  /**
   * The provider posts the status of a Dial's leg (answered, completed) to the noun's
   * `statusCallback`. Without it, the Dial action's result is the first word that the agent answered.
   */
  readonly dialLegCallbacks: boolean;
  /**
   * `<Dial>`'s answerOnBridge, timeLimit and record (with its recording status callback). Without
   * them the service leaves them out: Somleng's switch does not read them (the caller is answered
   * before the agent rings, a call is not cut at a time limit, nothing is recorded).
   */
  readonly dialExtras: boolean;
  /**
   * `<Dial><Conference>` and the Conferences' Participants resource (muted listeners, coaching):
   * the bridge of the supervisors' 监听, 耳语 and 强插. Somleng has neither.
   */
  readonly conferences: boolean;
}

const PROFILES: Record<TelephonyProfileName, TelephonyProfile> = {
  twilio: {
    name: 'twilio',
    speechInput: true,
    queues: true,
    clientDialing: true,
    dialLegCallbacks: true,
    dialExtras: true,
    conferences: true,
  },
  // Somleng's engine, for one, runs Say, Play, Gather (keys), Dial (Number, Sip; action, method, callerId, timeout), Redirect, Record, Reject and Hangup, and Calls over REST (src/telephony/twiml-dialects.ts has the whole list).
  'twiml-core': {
    name: 'twiml-core',
    speechInput: false,
    queues: false,
    clientDialing: false,
    dialLegCallbacks: false,
    dialExtras: false,
    conferences: false,
  },
};

/** The profile chosen by TELEPHONY_PROFILE. */
export function telephonyProfile(name: TelephonyProfileName): TelephonyProfile {
  return PROFILES[name];
}
