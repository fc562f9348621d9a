import { randomBytes } from 'node:crypto';
import type { Verb } from '../../src/telephony/index.js';
import { OWN_WAIT_PATH, pathOf, type CallSession, type Next } from './caller-session.js';

/** Plays the TwiML of a turn of the call from `currentUrl`, in the queue the call is in, if any. */
export type RunVerbs = (verbs: Verb[], currentUrl: string, queue?: string) => Promise<Next>;

/**
 * An `<Enqueue>`: the wait URL's turns (QueueTime 0, 50, 100, ...) with the caller's inputs at
 * their Gathers, until a `<Leave>` or the script's wait rounds; then the action with the
 * QueueResult, whose answer `run` plays.
 */
export async function enqueue(
  session: CallSession,
  verb: Verb,
  currentUrl: string,
  run: RunVerbs,
): Promise<Next> {
  const { script, inputs, say, request, speak, gatherParams, end } = session;
  const queue = verb.text;
  say(`  （进入队列 ${queue}）`);
  const queueSid = `QU${randomBytes(16).toString('hex')}`;
  const rounds = script.waitRounds ?? 3;
  const action = verb.attributes.action ?? currentUrl;
  let left = false;
  let queueTime = 0;
  for (let round = 0; round < rounds && !left; round += 1) {
    queueTime = round * 50;
    const waitUrl = verb.attributes.waitUrl;
    if (!waitUrl) break;
    let verbs = await request(waitUrl, {
      QueueSid: queueSid,
      QueuePosition: String(Math.max(1, 3 - round)),
      QueueTime: String(queueTime),
      AvgQueueTime: '120',
      CurrentQueueSize: '3',
    });
    while (verbs !== 'stopped' && verbs.length > 0) {
      let next: string | undefined;
      let nextExtra: Record<string, string> = {};
      for (const waitVerb of verbs) {
        speak(waitVerb);
        if (waitVerb.name === 'Leave') {
          say('  （离开队列）');
          left = true;
          break;
        }
        if (waitVerb.name === 'Gather') {
          waitVerb.children.forEach(speak);
          const input = inputs[0];
          if (input && input.kind !== 'silence') {
            inputs.shift();
            next = waitVerb.attributes.action ?? waitUrl;
            nextExtra = gatherParams(input, waitVerb);
            break;
          }
        }
        if (waitVerb.name === 'Redirect') {
          next = waitVerb.text;
          break;
        }
        if (waitVerb.name === 'Hangup') return end('hangup', { queue });
      }
      if (left || !next) break;
      verbs = await request(next, {
        QueueSid: queueSid,
        QueueTime: String(queueTime),
        ...nextExtra,
      });
    }
  }
  const result = left ? 'leave' : (script.queueResult ?? 'bridged');
  if (result === 'bridged') say('  （坐席接听，通话结束后回到来电者一侧）');
  if (result === 'hangup') say('  （来电者在排队时挂机）');
  const verbs = await request(action, {
    QueueResult: result,
    QueueSid: queueSid,
    QueueTime: String(queueTime),
  });
  if (verbs === 'stopped') return end('self-service', { queue });
  if (result === 'hangup' || result === 'redirected') return end('queue', { queue });
  const next = await run(verbs, action, queue);
  return next;
}

/**
 * The service's own wait loop: each turn is a request of the wait URL, whose answer (position,
 * callback offer, music) ends with a `<Redirect>` back to it. A REST update re-points the call;
 * after the script's wait rounds without one, the caller hangs up.
 */
export async function ownWait(session: CallSession, waitUrl: string): Promise<Next> {
  const { script, inputs, say, fail, request, speak, gatherParams, end, liveUpdate } = session;
  const queue = new URL(waitUrl).searchParams.get('skill') ?? '';
  if (session.ownQueue === undefined) say(`  （进入等待 ${queue}）`);
  session.ownQueue = queue;
  const rounds = script.waitRounds ?? 3;
  while (session.waitTurns < rounds) {
    const before = await liveUpdate();
    if (before) return { url: before };
    if (session.waitTurns > 0) await script.onWaitTurn?.(session.waitTurns);
    session.waitTurns += 1;
    const verbs = await request(waitUrl);
    if (verbs === 'stopped') return end('self-service', { queue });
    const during = await liveUpdate();
    if (during) return { url: during };
    let again = false;
    for (const verb of verbs) {
      speak(verb);
      if (verb.name === 'Gather') {
        verb.children.forEach(speak);
        const input = inputs[0];
        if (input && input.kind !== 'silence') {
          inputs.shift();
          return { url: verb.attributes.action ?? waitUrl, extra: gatherParams(input, verb) };
        }
      } else if (verb.name === 'Redirect') {
        if (new URL(verb.text).pathname !== OWN_WAIT_PATH) return { url: verb.text };
        again = true;
        break;
      } else if (verb.name === 'Hangup') {
        say('  （系统挂机）');
        return end('queue', { queue });
      }
    }
    if (!again)
      return fail(
        `${pathOf(waitUrl)}: a wait turn ended without a Redirect back to the wait URL: the caller would meet silence`,
      );
  }
  const last = await liveUpdate();
  if (last) return { url: last };
  say('  （来电者在等待时挂机）');
  return end('queue', { queue });
}
