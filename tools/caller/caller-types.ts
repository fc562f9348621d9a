/** What the simulated caller does at a `<Gather>`: press keys, speak, or stay silent. */
export type CallerInput =
  | { kind: 'dtmf'; digits: string }
  | { kind: 'speech'; text: string; confidence: number }
  | { kind: 'silence' };

/** How a simulated call ended. */
export type CallOutcome =
  /** The service said goodbye and hung up. */
  | 'hangup'
  /** The caller reached a queue and left it with the chosen QueueResult (or a callback). */
  | 'queue'
  /** The call went to a self-service flow (booking) that the walk does not follow. */
  | 'self-service'
  /** The script had no input left at a `<Gather>`: the caller hung up there. */
  | 'caller-hung-up';

/** Posts one signed webhook request, as Twilio would, to the service. */
export interface CallerTransport {
  post(
    publicUrl: string,
    params: Record<string, string>,
  ): Promise<{ status: number; body: string; contentType: string }>;
}

export interface CallScript {
  to: string;
  from?: string;
  inputs: readonly CallerInput[];
  /** QueueResult sent to the Enqueue action after the wait. Default bridged. */
  queueResult?: string;
  /** How many times the waitUrl is requested (QueueTime 0, 50, 100, ...). Default 3. */
  waitRounds?: number;
  /** URLs the walk does not follow (e.g. the booking component's); reaching one ends the call as self-service. */
  stopAt?: (url: string) => boolean;
  /**
   * The URLs the provider was told for this call over REST (`POST /Calls/{sid}` with a new Url), in
   * order: the simulator follows the newest one it has not followed yet, interrupting what plays,
   * as the provider would (routing connecting an agent to a caller in the service's own wait loop).
   */
  liveUpdates?: (callSid: string) => readonly string[] | Promise<readonly string[]>;
  /** Called before each turn of the service's own wait loop after the first (a test or ivr:call moves its clock there). */
  onWaitTurn?: (turn: number) => void | Promise<void>;
}

/** One request of the call and what came back. */
export interface CallRequest {
  url: string;
  params: Record<string, string>;
  twiml: string;
}

export interface CallResult {
  outcome: CallOutcome;
  /** The queue the call reached, when it did. */
  queue?: string;
  /** The last Gather action the caller did not answer (when the script ran out). */
  unansweredGather?: string;
  lines: string[];
  requests: CallRequest[];
}

/** A request or a TwiML answer was invalid; carries the transcript so far. */
export class CallerError extends Error {
  override name = 'CallerError';
  constructor(
    message: string,
    readonly lines: readonly string[],
  ) {
    super(`${message}\n--- transcript so far ---\n${lines.join('\n')}`);
  }
}
