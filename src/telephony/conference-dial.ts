import type { ProviderCall } from './call-registry.js';
import { takePending, type EngineCore, type Outcome } from './engine-core.js';
import type { Verb } from './twiml-reader.js';

/**
 * `<Dial><Conference>name</Conference></Dial>`: the call takes part until it is kicked, the
 * conference ends (a participant with endConferenceOnExit left) or a REST update moves it; then
 * the Dial's action gets DialCallStatus=completed, or the call goes on after the Dial.
 */
export async function dialConference(
  core: EngineCore,
  call: ProviderCall,
  verb: Verb,
  noun: Verb,
): Promise<Outcome | undefined> {
  const name = noun.text.trim();
  const started = core.time.now();
  call.party.hear({ kind: 'conference', name, joined: true });
  await core.conferences.join(
    call,
    name,
    noun.attributes.endConferenceOnExit === 'true',
    call.current.signal,
  );
  call.party.hear({ kind: 'conference', name, joined: false });
  if (call.pending && !call.hungUpBy) return { next: takePending(call)! };
  const action = verb.attributes.action;
  const seconds = Math.round((core.time.now().getTime() - started.getTime()) / 1000);
  const result = { DialCallStatus: 'completed', DialCallDuration: String(seconds) };
  if (call.hungUpBy) {
    // As for any Dial: the action is told, and its answer is not run.
    call.status = 'completed';
    if (action) await core.notify(call, action, result);
    return { end: true };
  }
  return action ? { next: { url: action, params: result } } : undefined;
}
