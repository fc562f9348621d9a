import type { RequestHandler, Request } from 'express';
import { UnauthorizedError } from './errors.js';

/** Booking channels other than the phone. */
export type Channel = 'web' | 'wechat' | 'walk_in';
export type StaffRole = 'agent' | 'supervisor' | 'admin';

/** Who is making an API request: a channel client (API key) or a member of staff (session). */
export type Principal =
  | { kind: 'channel'; channel: Channel; keyId: string; name: string }
  | { kind: 'staff'; userId: string; username: string; role: StaffRole };

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by {@link authenticate} when the request carries valid credentials. */
    principal?: Principal;
  }
}

/** Reads credentials of one kind from a request: a principal, undefined when absent, or throws when invalid. */
export type Authenticator = (req: Request) => Promise<Principal | undefined>;

/** Tries each authenticator in turn and sets `req.principal`; requests without credentials pass on unauthenticated. */
export function authenticate(authenticators: readonly Authenticator[]): RequestHandler {
  return async (req, _res, next) => {
    for (const authenticator of authenticators) {
      const principal = await authenticator(req);
      if (principal) {
        req.principal = principal;
        break;
      }
    }
    next();
  };
}

/** Requires any authenticated principal: a channel client or a member of staff. */
export const requirePrincipal: RequestHandler = (req, _res, next) => {
  if (!req.principal) throw new UnauthorizedError();
  next();
};
