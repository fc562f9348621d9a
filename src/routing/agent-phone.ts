import type { TelephonyProfile } from '../platform/telephony-profile.js';
import type { Accounts } from '../staff/index.js';

/** Where an agent's phone rings: the panel's Voice SDK client, a SIP address or a desk phone. */
export type AgentPhone = { client: string } | { sip: string } | { number: string };

/** The agent's phone for the provider's profile; undefined when the provider cannot reach them (no SIP address, no desk number). */
export type AgentPhones = (agentId: string) => Promise<AgentPhone | undefined>;

export function createAgentPhones(
  staff: Pick<Accounts, 'findUser'>,
  telephony: Pick<TelephonyProfile, 'clientDialing'>,
): AgentPhones {
  return async (agentId) => {
    // The Voice SDK identity is the username: no look-up needed.
    if (telephony.clientDialing) return { client: agentId };
    const user = await staff.findUser(agentId);
    if (user?.sipAddress) return { sip: user.sipAddress };
    if (user?.deskNumber) return { number: user.deskNumber };
    return undefined;
  };
}

/** The `To` of an outbound call (a callback) that rings the agent's phone. */
export function dialString(phone: AgentPhone): string {
  if ('client' in phone) return `client:${phone.client}`;
  return 'sip' in phone ? phone.sip : phone.number;
}
