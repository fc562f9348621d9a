import { newSid, type ProviderCall } from './call-registry.js';
import { dialConference } from './conference-dial.js';
import { peerOf } from './conference-room.js';
import { takePending, type EngineCore, type Outcome } from './engine-core.js';
import { isAbort } from './provider-time.js';
import type { CallParty, LegAnswer } from './telephony-types.js';
import type { Verb } from './twiml-reader.js';

/** The address a Dial noun rings: `client:<identity>`, a SIP URI, a number, `conference:<name>`. */
function addressOf(noun: Verb): string {
  if (noun.name === 'Client')
    return `client:${(noun.children.find((c) => c.name === 'Identity')?.text ?? noun.text).trim()}`;
  if (noun.name === 'Conference') return `conference:${noun.text.trim()}`;
  return noun.text.trim();
}

const parametersOf = (noun: Verb) =>
  Object.fromEntries(
    noun.children
      .filter((c) => c.name === 'Parameter')
      .map((c) => [c.attributes.name ?? '', c.attributes.value ?? '']),
  );

/** A leg's own status callbacks (the noun's statusCallback and statusCallbackEvent; Twilio's default is completed only). */
const legSubscription = (noun: Verb) =>
  noun.attributes.statusCallback
    ? {
        url: noun.attributes.statusCallback,
        events: new Set(
          (noun.attributes.statusCallbackEvent ?? 'completed').split(/[\s,]+/).filter(Boolean),
        ),
      }
    : undefined;

/** Hears nothing: the leg's own party is the endpoint's. */
const silentParty: CallParty = { hear: () => undefined };

/**
 * `<Dial>` and `<Record>` as Twilio runs them. Dial rings the endpoint registered for the noun's
 * address (Twilio's defaults: timeout 30 s, timeLimit 14400 s), bridges the caller when it
 * answers, posts the leg's status callbacks and, with `record`, the recording's status; then the
 * action gets DialCallStatus (completed, no-answer, busy, failed, canceled), DialCallSid and
 * DialCallDuration. Without an action the call goes on after the Dial. A REST update during the
 * Dial (hold, transfer) ends the leg and moves the call without the action.
 */
export function createDialRunner(core: EngineCore) {
  const { registry, time } = core;

  async function ring(
    call: ProviderCall,
    leg: ProviderCall,
    address: string,
    parameters: Record<string, string>,
    timeoutMs: number,
  ): Promise<LegAnswer> {
    const endpoint = core.endpoints.get(address);
    const offer = new AbortController();
    const stop = () => offer.abort();
    call.current.signal.addEventListener('abort', stop, { once: true });
    try {
      const timeout = time
        .sleep(timeoutMs, offer.signal)
        .then((): LegAnswer => ({ answered: false, status: 'no-answer' }));
      if (!endpoint) return await timeout;
      const answered = endpoint.ring({
        legSid: leg.sid,
        parentCallSid: call.sid,
        from: call.from,
        to: address,
        parameters,
        signal: offer.signal,
        toCaller: (data) =>
          peerOf(data) ? core.conferences.relay(leg.sid, data) : call.party.signal?.(data),
      });
      return await Promise.race([answered, timeout]);
    } finally {
      call.current.signal.removeEventListener('abort', stop);
      offer.abort();
    }
  }

  async function storeRecording(
    call: ProviderCall,
    verb: Verb,
    seconds: number,
    channels: number,
    source: string,
  ): Promise<string> {
    const sid = newSid('RE');
    core.recordings.set(sid, {
      sid,
      callSid: call.sid,
      durationSeconds: seconds,
      channels,
      source,
      createdAt: time.now(),
      deleted: false,
    });
    const callback = verb.attributes.recordingStatusCallback;
    if (callback) {
      await core.notify(call, callback, {
        RecordingSid: sid,
        RecordingUrl: core.recordingUrl(sid),
        RecordingStatus: 'completed',
        RecordingDuration: String(seconds),
        RecordingChannels: String(channels),
        RecordingSource: source,
        RecordingStartTime: time.now().toUTCString(),
      });
    }
    return sid;
  }

  return {
    async dial(call: ProviderCall, verb: Verb): Promise<Outcome | undefined> {
      const a = verb.attributes;
      const noun = verb.children[0] ?? {
        name: 'Number',
        attributes: {},
        text: verb.text,
        children: [],
      };
      if (noun.name === 'Conference') return dialConference(core, call, verb, noun);
      const address = addressOf(noun);
      const leg = registry.create({
        from: a.callerId ?? call.from,
        to: address,
        direction: 'outbound-dial',
        parentCallSid: call.sid,
        party: silentParty,
        statusCallback: legSubscription(noun),
      });
      call.party.hear({ kind: 'ringing', to: address });
      await registry.progress(leg, 'initiated');
      await registry.progress(leg, 'ringing');
      let dialStatus: string;
      let duration = 0;
      let moved = false;
      try {
        const answer = await ring(
          call,
          leg,
          address,
          parametersOf(noun),
          Number(a.timeout ?? 30) * 1000,
        );
        call.current.signal.throwIfAborted();
        if (!answer.answered) dialStatus = answer.status;
        else {
          leg.party = answer.party;
          call.peer = answer.party;
          for (const data of call.heldSignals?.splice(0) ?? []) answer.party.signal?.(data);
          await registry.progress(leg, 'in-progress');
          call.party.hear({ kind: 'connected', to: address, legSid: leg.sid });
          const started = time.now();
          const aborted = new Promise<never>((_resolve, reject) =>
            call.current.signal.addEventListener(
              'abort',
              () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
              { once: true },
            ),
          );
          const limit = time.instant
            ? aborted
            : time.sleep(Number(a.timeLimit ?? 14_400) * 1000, call.current.signal);
          // The leg moved over REST (into a conference): it leaves the Dial but not the call.
          // The update may have come already, while the leg's answered status was being posted.
          const legMoved = new Promise<void>((resolve) =>
            leg.current.signal.aborted
              ? resolve()
              : leg.current.signal.addEventListener('abort', () => resolve(), { once: true }),
          );
          try {
            await Promise.race([answer.ended, limit, legMoved]);
          } catch (error) {
            if (!isAbort(error)) throw error;
          } finally {
            moved = Boolean(leg.pending && !leg.hungUpBy && !call.current.signal.aborted);
            if (moved) core.adopt(leg, answer);
            else answer.hangup();
          }
          if (!moved) call.peer = undefined;
          duration = Math.round((time.now().getTime() - started.getTime()) / 1000);
          if (!moved) call.party.hear({ kind: 'disconnected', legSid: leg.sid });
          dialStatus = 'completed';
          if (a.record?.startsWith('record-from-answer'))
            await storeRecording(
              call,
              verb,
              duration,
              a.record.endsWith('dual') ? 2 : 1,
              'DialVerb',
            );
        }
      } catch (error) {
        if (!isAbort(error)) throw error;
        dialStatus = 'canceled';
      }
      if (!moved)
        await registry.end(leg, dialStatus === 'canceled' ? 'canceled' : dialStatus, 'provider');
      const result = {
        DialCallStatus: dialStatus,
        DialCallSid: leg.sid,
        ...(dialStatus === 'completed' ? { DialCallDuration: String(duration) } : {}),
      };
      // Moved over REST during the Dial: no action, the call goes where it was sent.
      if (call.pending && !call.hungUpBy) return { next: takePending(call)! };
      if (call.hungUpBy) {
        call.status = 'completed';
        if (a.action) await core.notify(call, a.action, result);
        return { end: true };
      }
      return a.action ? { next: { url: a.action, params: result } } : undefined;
    },

    /** `<Record>`: a beep, then the party's words until a key or `timeout` of silence (5 s); the action gets the recording. */
    async record(
      call: ProviderCall,
      verb: Verb,
      documentUrl: string,
    ): Promise<Outcome | undefined> {
      const a = verb.attributes;
      call.party.hear({
        kind: 'gather',
        timeout: Number(a.timeout ?? 5),
        finishOnKey: a.finishOnKey ?? '1234567890*#',
        speech: true,
        waiting: false,
        action: a.action ?? documentUrl,
      });
      const started = time.now();
      await time.sleep(
        Math.min(Number(a.maxLength ?? 3600), Number(a.timeout ?? 5)) * 1000,
        call.current.signal,
      );
      const seconds = Math.round((time.now().getTime() - started.getTime()) / 1000);
      const sid = await storeRecording(call, verb, seconds, 1, 'RecordVerb');
      call.inputs.length = 0;
      return {
        next: {
          url: a.action ?? documentUrl,
          params: {
            RecordingSid: sid,
            RecordingUrl: core.recordingUrl(sid),
            RecordingDuration: String(seconds),
          },
        },
      };
    },
  };
}
