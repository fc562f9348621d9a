import { newSid, type Next, type ProviderCall } from './call-registry.js';
import { takePending, type EngineCore, type Outcome } from './engine-core.js';
import { isAbort } from './provider-time.js';
import type { Verb } from './twiml-reader.js';

/** One provider queue: its SID, the calls in it in order, and the waits of those who left it. */
export interface ProviderQueue {
  sid: string;
  name: string;
  members: ProviderCall[];
  waits: number[];
}

/** The provider's queues, by name and by SID. */
export interface QueueBook {
  byName: Map<string, ProviderQueue>;
  bySid(sid: string): ProviderQueue | undefined;
}

/**
 * `<Enqueue>` as Twilio runs it: the caller joins the named queue and hears the waitUrl's TwiML
 * again and again (QueueSid, QueuePosition, QueueTime, AvgQueueTime, CurrentQueueSize) until a
 * `<Leave>`, a hang-up, or a REST dequeue (Members update); then the action gets the QueueResult
 * (leave, hangup, redirected) and the QueueTime.
 */
export function createQueueRunner(core: EngineCore) {
  const book: QueueBook = {
    byName: new Map(),
    bySid: (sid) => [...book.byName.values()].find((queue) => queue.sid === sid),
  };
  const seconds = (since: Date) =>
    Math.max(0, Math.round((core.time.now().getTime() - since.getTime()) / 1000));

  function waitParams(call: ProviderCall, queue: ProviderQueue): Record<string, string> {
    const average = queue.waits.length
      ? Math.round(queue.waits.reduce((a, b) => a + b, 0) / queue.waits.length)
      : 0;
    return {
      QueueSid: queue.sid,
      QueuePosition: String(queue.members.indexOf(call) + 1),
      QueueTime: String(seconds(call.queue!.since)),
      AvgQueueTime: String(average),
      CurrentQueueSize: String(queue.members.length),
    };
  }

  /** The wait loop; resolves with how the caller left. */
  async function waitIn(
    call: ProviderCall,
    queue: ProviderQueue,
    waitUrl: string | undefined,
  ): Promise<'leave' | 'hangup' | 'redirected'> {
    for (;;) {
      try {
        if (call.hungUpBy) return 'hangup';
        if (call.pending) return 'redirected';
        call.party.hear({
          kind: 'queue',
          name: queue.name,
          position: queue.members.indexOf(call) + 1,
          size: queue.members.length,
          seconds: seconds(call.queue!.since),
        });
        if (!waitUrl) {
          call.party.hear({ kind: 'play', url: 'default-hold-music' });
          await core.time.sleep(core.pace.playMs, call.current.signal);
          continue;
        }
        let next: Next | undefined = { url: waitUrl };
        while (next && 'url' in next) {
          const { params } = next;
          const verbs = await core.fetch(call, next.url, () => ({
            ...params,
            ...waitParams(call, queue),
          }));
          if (!verbs) return 'hangup';
          if (call.pending) return 'redirected';
          const outcome = await core.runVerbs(call, verbs, next.url, { waiting: true });
          if ('leave' in outcome) return 'leave';
          if ('end' in outcome) {
            core.registry.hangUp(call, 'service');
            return 'hangup';
          }
          next = 'next' in outcome ? outcome.next : undefined;
        }
      } catch (error) {
        if (!isAbort(error)) throw error;
        if (call.hungUpBy) return 'hangup';
        if (call.pending) return 'redirected';
      }
    }
  }

  return {
    book,
    async enqueue(call: ProviderCall, verb: Verb, documentUrl: string): Promise<Outcome> {
      const name = verb.text.trim();
      let queue = book.byName.get(name);
      if (!queue) {
        queue = { sid: newSid('QU'), name, members: [], waits: [] };
        book.byName.set(name, queue);
      }
      call.queue = { name, sid: queue.sid, since: core.time.now() };
      queue.members.push(call);
      core.log.info(
        { callSid: call.sid, queue: name, position: queue.members.length },
        'call queued',
      );
      let result: 'leave' | 'hangup' | 'redirected';
      try {
        result = await waitIn(call, queue, verb.attributes.waitUrl);
      } finally {
        queue.members.splice(queue.members.indexOf(call), 1);
        queue.waits.push(seconds(call.queue.since));
      }
      const queueTime = seconds(call.queue.since);
      call.queue = undefined;
      const action = verb.attributes.action ?? documentUrl;
      const extra = { QueueResult: result, QueueSid: queue.sid, QueueTime: String(queueTime) };
      if (result === 'hangup') {
        // The caller is gone: Twilio still requests the action (CallStatus completed) and ignores its answer.
        call.status = 'completed';
        await core.notify(call, action, extra);
        return { end: true };
      }
      if (result === 'redirected') {
        // Dequeued over REST: the action hears of it, and the call goes to the URL it was given.
        const next = takePending(call);
        await core.notify(call, action, extra);
        return next ? { next } : { end: true };
      }
      return { next: { url: action, params: extra } };
    },
  };
}
