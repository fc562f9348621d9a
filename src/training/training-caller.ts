import { VOICE_BASE_PATH } from '../platform/voice-urls.js';
import type { CallControl, CallParty, ProviderTime } from '../telephony/index.js';
import type { TrainingScript } from './training-script.js';

/** The IVR's wait URL: each request of it is a turn of waiting in a queue. */
const WAIT_PATH = `${VOICE_BASE_PATH}/queue/wait`;
/**
 * Seconds one wait turn counts for when the provider's waits are instant (tests): its clock stands
 * still there, so patience is counted in turns instead.
 */
export const INSTANT_TURN_SECONDS = 15;

/** What a simulated caller tells its session. */
export interface TrainingCallerEvents {
  /** The service answered the call's first webhook: the ledger holds the call. */
  arrived(): void;
  /** An agent answered. */
  connected(): void;
  /** The call ended, with its final status. */
  ended(status: string): void;
}

/**
 * A simulated caller on the built-in provider: presses its keys at the menus, waits in the queue
 * as long as its patience lasts, stays on the line with the agent until the agent hangs up, and
 * hangs up at any later prompt (the 好差评 menu). It never asks for a callback: the offer is
 * silence to it.
 */
export function createTrainingCaller(
  script: TrainingScript,
  time: ProviderTime,
  events: TrainingCallerEvents,
): { party: CallParty; attach(control: CallControl): void } {
  const keys = [...script.keys];
  const state = {
    control: undefined as CallControl | undefined,
    arrived: false,
    queuedAt: undefined as number | undefined,
    turns: 0,
  };
  const party: CallParty = {
    hear(event) {
      switch (event.kind) {
        case 'request':
          if (!state.arrived) {
            state.arrived = true;
            events.arrived();
          }
          break;
        case 'gather': {
          if (event.waiting) break;
          const digits = keys.shift();
          if (digits === undefined) state.control?.hangup();
          // Keys after a finishOnKey are not heard: each entry ends with it when the Gather has one.
          else
            state.control?.press(
              event.finishOnKey && !digits.includes(event.finishOnKey)
                ? `${digits}${event.finishOnKey}`
                : digits,
            );
          break;
        }
        case 'connected':
          events.connected();
          break;
        case 'ended':
          events.ended(event.status);
          break;
        default:
          break;
      }
    },
    beforeRequest(url) {
      if (new URL(url).pathname !== WAIT_PATH) return 'go';
      const now = time.now().getTime();
      state.queuedAt ??= now;
      state.turns += 1;
      const waited = time.instant
        ? (state.turns - 1) * INSTANT_TURN_SECONDS
        : (now - state.queuedAt) / 1000;
      return waited >= script.patienceSeconds ? 'hangup' : 'go';
    },
  };
  return { party, attach: (control) => void (state.control = control) };
}
