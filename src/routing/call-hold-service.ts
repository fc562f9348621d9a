import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import { AppError, ConflictError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import type { VoiceResponse } from '../platform/twiml.js';
import type { AgentPhones } from './agent-phone.js';
import {
  connectAgentTwiml,
  holdLoopTwiml,
  requeueTwiml,
  type AgentUrls,
  type DialFeatures,
} from './routing-twiml.js';
import type { HoldRepository } from './call-hold-repository.js';
import type { QueuedCallRepository } from './queued-call-repository.js';
import type { RoutingRepository } from './routing-repository.js';
import type { Routing } from './routing-contract.js';
import { ivrQueueOf } from './routing-targets.js';

/**
 * Hold and resume of the caller an agent is talking to. The caller's call (the parent, which
 * runs `<Dial><Client>`) is moved by the REST API to a hold loop, and back to a new `<Dial>` of
 * the same agent; the agent stays on the call (busy) meanwhile, and the ledger keeps each hold.
 */
export interface CallHolds {
  /** Puts the caller on hold; a repeated click while on hold answers the same. */
  hold(agentId: string, callSid: string): Promise<{ onHold: true; since: string }>;
  /** Rings the agent again for the held caller (their softphone accepts it by itself). */
  resume(agentId: string, callSid: string): Promise<{ onHold: false; heldSeconds: number }>;
  /** When the running hold began, if the caller is on hold now. */
  current(callSid: string): Promise<{ since: string } | null>;
  /** Whether `agentId` has the caller of `callSid` on hold now. */
  heldBy(callSid: string, agentId: string): Promise<boolean>;
  /**
   * The hold loop's TwiML, requested again after each round. A caller whose agent left the call
   * meanwhile (CALL_MAX_MINUTES) goes back to the queue in their place; a hold Redis lost is
   * taken up again for the agent still on the call, so that they can resume it.
   */
  loop(callSid: string): Promise<VoiceResponse>;
  /** The resumed leg's TwiML: `<Dial>` of the same agent's phone, marked as a resume (their softphone accepts it by itself). */
  resumeTwiml(agentId: string, callSid: string, leg: number): Promise<VoiceResponse>;
  /** The caller's call ended (status callback): a caller who hung up on hold ends the call, and the agent goes to wrap-up. */
  callEnded(callSid: string): Promise<void>;
}

export function createCallHolds(deps: {
  holds: HoldRepository;
  store: RoutingRepository;
  routing: Routing;
  kept: QueuedCallRepository;
  ledger: Pick<CallLedger, 'recordEvent'>;
  catalogue: Catalogue;
  twilio: TwilioClient;
  clock: Clock;
  logger: Logger;
  urls: AgentUrls;
  voice: string;
  musicUrl: string;
  settings: Config['agents'];
  phoneOf: AgentPhones;
  /** Whether the provider keeps waiting callers in queues of its own (else the service's wait loop). */
  providerQueues: boolean;
  /** What the provider honours of the agent's `<Dial>`. */
  dial: DialFeatures;
}): CallHolds {
  const {
    holds,
    store,
    routing,
    kept,
    ledger,
    catalogue,
    twilio,
    clock,
    urls,
    voice,
    musicUrl,
    settings,
    phoneOf,
    providerQueues,
  } = deps;
  const log = deps.logger.child({ component: 'routing' });
  const now = () => clock.now().getTime();

  async function assertOnThisCall(agentId: string, callSid: string): Promise<void> {
    const agent = await store.agent(agentId);
    if (agent.state !== 'on_call' || agent.callSid !== callSid)
      throw new ConflictError('you can only hold the call you are on', 'not_on_this_call');
  }

  const twilioFailed = (error: unknown) => {
    log.warn({ err: (error as Error).message }, 'hold: Twilio refused the call update');
    return new AppError('Twilio did not take the change; try again', 502, 'twilio_unavailable');
  };

  async function endRunningHold(
    callSid: string,
    reason: string,
    agentId?: string,
  ): Promise<number | undefined> {
    const ended = await holds.end(callSid, { agentId, now: now(), resume: false });
    if (!ended) return undefined;
    const seconds = Math.max(0, Math.round((now() - ended.since) / 1000));
    await ledger.recordEvent(callSid, 'agent', 'hold-ended', `hold-ended:${ended.since}`, {
      seconds,
      reason,
    });
    return seconds;
  }

  return {
    async hold(agentId, callSid) {
      await assertOnThisCall(agentId, callSid);
      // Only a caller routing took from a queue: a callback's agent leg is the parent of the citizen's, and moving it would put the agent, not the citizen, on hold.
      if (!(await kept.find(callSid)))
        throw new ConflictError(
          'only a caller who came through a queue can be held',
          'not_holdable',
        );
      const started = now();
      if (!(await holds.start(callSid, agentId, started, settings.callMaxSeconds))) {
        const running = await holds.read(callSid);
        if (running && running.since > 0 && running.agentId === agentId)
          return { onHold: true, since: new Date(running.since).toISOString() };
        throw new ConflictError('the call is on hold already', 'already_on_hold');
      }
      try {
        await twilio.calls(callSid).update({ url: urls.hold(callSid), method: 'POST' });
      } catch (error) {
        await holds.end(callSid, { agentId, now: now(), resume: false });
        throw twilioFailed(error);
      }
      await ledger.recordEvent(callSid, 'agent', 'hold-started', `hold-started:${started}`, {
        agentId,
      });
      log.info({ callSid, agentId }, 'caller on hold');
      return { onHold: true, since: new Date(started).toISOString() };
    },

    async resume(agentId, callSid) {
      await assertOnThisCall(agentId, callSid);
      const before = await holds.read(callSid);
      const ended = await holds.end(callSid, { agentId, now: now(), resume: true });
      if (!ended || !before) throw new ConflictError('the call is not on hold', 'not_on_hold');
      try {
        await twilio
          .calls(callSid)
          .update({ url: urls.resume(agentId, callSid, ended.leg), method: 'POST' });
      } catch (error) {
        await holds.restore(callSid, { since: ended.since, leg: before.leg });
        throw twilioFailed(error);
      }
      const heldSeconds = Math.max(0, Math.round((now() - ended.since) / 1000));
      await ledger.recordEvent(callSid, 'agent', 'hold-ended', `hold-ended:${ended.since}`, {
        agentId,
        seconds: heldSeconds,
        reason: 'resumed',
      });
      log.info({ callSid, agentId, heldSeconds }, 'caller resumed');
      return { onHold: false, heldSeconds };
    },

    async current(callSid) {
      const hold = await holds.read(callSid);
      return hold && hold.since > 0 ? { since: new Date(hold.since).toISOString() } : null;
    },
    async heldBy(callSid, agentId) {
      const hold = await holds.read(callSid);
      return Boolean(hold && hold.since > 0 && hold.agentId === agentId);
    },

    async loop(callSid) {
      const hold = await holds.read(callSid);
      const call = await kept.find(callSid);
      const agentId = hold?.agentId ?? call?.answeredBy ?? '';
      const agent = agentId ? await store.agent(agentId) : undefined;
      const onTheCall = agent?.state === 'on_call' && agent.callSid === callSid;
      // Not running: a resume is under way, and its REST update takes the caller from here.
      if (hold && hold.since === 0)
        return holdLoopTwiml(urls, voice, catalogue.prompts.say('queue.onHold'), musicUrl, callSid);
      if (onTheCall) {
        if (!hold && (await holds.start(callSid, agentId, now(), settings.callMaxSeconds))) {
          await ledger.recordEvent(callSid, 'agent', 'hold-started', `hold-started:${now()}`, {
            agentId,
            reason: 'hold-restored',
          });
          log.warn({ callSid, agentId }, 'hold lost with Redis; taken up again for the agent');
        }
        return holdLoopTwiml(urls, voice, catalogue.prompts.say('queue.onHold'), musicUrl, callSid);
      }
      if (hold) await endRunningHold(callSid, 'agent-left');
      log.warn(
        { callSid, agentId },
        'caller on hold for an agent no longer on the call; back to the queue',
      );
      return requeueTwiml(urls, callSid, ivrQueueOf(catalogue, call), providerQueues);
    },

    async resumeTwiml(agentId, callSid, leg) {
      const phone = await phoneOf(agentId);
      // The agent was rung on this phone before the hold; if it is gone meanwhile, the caller stays on hold.
      if (!phone)
        return holdLoopTwiml(urls, voice, catalogue.prompts.say('queue.onHold'), musicUrl, callSid);
      return connectAgentTwiml(
        urls,
        agentId,
        callSid,
        phone,
        settings.offerTimeoutSeconds,
        settings.callMaxSeconds,
        leg,
        deps.dial,
      );
    },

    async callEnded(callSid) {
      const hold = await holds.read(callSid);
      if (!hold) return;
      if (hold.since > 0) await endRunningHold(callSid, 'caller-hung-up');
      const agent = await store.agent(hold.agentId);
      // The Dial action ends a call that was talking; this covers a caller who left while on hold (no agent leg to end). Wrap-up starts once either way.
      if (agent.state === 'on_call' && agent.callSid === callSid) {
        log.info(
          { callSid, agentId: hold.agentId },
          'caller hung up while on hold; agent to wrap-up',
        );
        await routing.startWrapUp(hold.agentId, callSid, (await kept.find(callSid))?.skill ?? null);
      }
    },
  };
}
