import type { Callbacks } from '../callbacks/index.js';
import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Menu } from '../ivr/index.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import type { RoutingComponent } from '../routing/index.js';
import type { Accounts } from '../staff/index.js';
import { createDeskCards } from './desk-card-service.js';
import { createDeskService, type DeskService } from './desk-service.js';
import { createOutcomes, type Outcomes } from './outcomes-service.js';
import { createSoftphones, type Softphones } from './softphone-service.js';

/** The agent's desk: the call card, outcomes, the softphone's registration, the work of the day. */
export interface DeskComponent {
  desk: DeskService;
  outcomes: Outcomes;
  softphones: Softphones;
}

export function createDeskComponent(deps: {
  config: Config;
  db: Database;
  ledger: CallLedger;
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  staff: Accounts;
  routing: Pick<RoutingComponent, 'presence' | 'store' | 'holds' | 'agentCalls'>;
  callbacks: Pick<Callbacks, 'placeNow' | 'dialOut'>;
  clock: Clock;
  logger: Logger;
}): DeskComponent {
  const { config, db, ledger, catalogue, menus, staff, routing, callbacks, clock, logger } = deps;
  const cards = createDeskCards({ db, ledger, catalogue, menus, clock });
  const desk = createDeskService({
    staff,
    presence: routing.presence,
    store: routing.store,
    holds: routing.holds,
    cards,
    ledger,
    catalogue,
    callbacks,
    db,
    clock,
    settings: config.agents,
  });
  const outcomes = createOutcomes({
    db,
    catalogue,
    ledger,
    desk: routing.presence,
    agentCalls: routing.agentCalls,
    clock,
    logger,
  });
  return { desk, outcomes, softphones: createSoftphones({ config, staff }) };
}
