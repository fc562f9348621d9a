/** The kinds of complete call the scenario plays. */
export const CALL_KINDS = ['ivrHangUp', 'selfServedBooking', 'answered', 'callback'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** What one step of a call (a webhook, the desk's use case, a job) cost. */
export interface StepCost {
  step: string;
  statements: number;
  transactions: number;
  redisCommands: number;
  sql: string[];
}

/** What one complete call cost, step by step. */
export interface CallCost {
  kind: CallKind;
  /** HTTP requests the provider made to the service (webhooks). */
  requests: number;
  statements: number;
  transactions: number;
  redisCommands: number;
  steps: StepCost[];
}
