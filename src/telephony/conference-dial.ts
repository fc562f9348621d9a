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
  if (call.hungUpBy) return { end: true };
  const action = verb.attributes.action;
  const seconds = Math.round((core.time.now().getTime() - started.getTime()) / 1000);
  return action
    ? {
        next: {
          url: action,
          params: { DialCallStatus: 'completed', DialCallDuration: String(seconds) },
        },
      }
    : undefined;
}
