import twilio from 'twilio';
import type { Config } from '../platform/config.js';
import type { Accounts } from '../staff/index.js';

/** What the panel's softphone registers with: a Voice SDK token, the agent's own SIP account, or nothing. */
export type SoftphoneRegistration =
  | { kind: 'twilio'; token: string; identity: string; ttlSeconds: number }
  | { kind: 'sip'; wsUrl: string; uri: string; password: string }
  | { kind: 'none' };

/** `GET /api/agents/me/token`: a fresh Voice SDK token for the registered softphone. */
export interface SoftphoneToken {
  token: string;
  identity: string;
  ttlSeconds: number;
}

const TOKEN_TTL_SECONDS = 3600;

/** Mints a Twilio Voice access token for the agent's softphone (identity = the agent's id). */
export function softphoneToken(
  config: Config,
  identity: string,
  ttlSeconds = TOKEN_TTL_SECONDS,
): string {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(
    config.twilio.accountSid,
    config.agents.apiKeySid,
    config.agents.apiKeySecret,
    { identity, ttl: ttlSeconds },
  );
  token.addGrant(
    new AccessToken.VoiceGrant({
      incomingAllow: true,
      ...(config.agents.twimlAppSid ? { outgoingApplicationSid: config.agents.twimlAppSid } : {}),
    }),
  );
  return token.toJwt();
}

/**
 * The softphone each agent's desk loads, as the provider rings agents: the Voice SDK where it
 * dials clients, else the agent's SIP account on the provider's WebSocket server (the password
 * opened for them alone; never logged).
 */
export function createSoftphones(deps: {
  config: Config;
  staff: Pick<Accounts, 'sipCredentials'>;
}) {
  const { config, staff } = deps;
  return {
    token: (agentId: string): SoftphoneToken => ({
      token: softphoneToken(config, agentId, TOKEN_TTL_SECONDS),
      identity: agentId,
      ttlSeconds: TOKEN_TTL_SECONDS,
    }),
    async registration(agentId: string): Promise<SoftphoneRegistration> {
      if (config.telephony.clientDialing)
        return {
          kind: 'twilio',
          token: softphoneToken(config, agentId, TOKEN_TTL_SECONDS),
          identity: agentId,
          ttlSeconds: TOKEN_TTL_SECONDS,
        };
      const wsUrl = config.agents.sip.wsUrl;
      const credentials = wsUrl ? await staff.sipCredentials(agentId) : undefined;
      return wsUrl && credentials
        ? { kind: 'sip', wsUrl, uri: credentials.uri, password: credentials.password }
        : { kind: 'none' };
    },
  };
}

export type Softphones = ReturnType<typeof createSoftphones>;
