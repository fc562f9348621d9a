import { DateTime } from 'luxon';
import type { CallbackActor } from '../callbacks/index.js';
import type { CallLedger } from '../calls/index.js';
import { queueName, type Catalogue } from '../catalogue/index.js';
import { insertAudit } from '../platform/audit-repository.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { NotFoundError } from '../platform/errors.js';
import {
  wrapUpSecondsFor,
  type AgentDesk,
  type AgentSnapshot,
  type CallHolds,
  type RoutingRepository,
} from '../routing/index.js';
import type { Accounts } from '../staff/index.js';
import { maskNumber, writtenTime, type CallCard, type DeskCards } from './desk-card-service.js';
import * as deskRepo from './desk-repository.js';
import type {
  CallbackGroup,
  DeskCall,
  DeskDirectory,
  DeskMe,
  DeskMyWork,
  DeskServiceOption,
} from './desk-responses.js';
import * as outcomesRepo from './outcomes-repository.js';

/** The group of a callback request at `now` (ms): finished, closed, being placed, tried before, due, or later. */
export function callbackGroup(
  row: Pick<deskRepo.MyCallbackRow, 'status' | 'attempts' | 'not_before'>,
  now: number,
): CallbackGroup {
  if (row.status === 'completed') return 'done';
  if (row.status === 'given_up' || row.status === 'cancelled') return 'closed';
  if (row.status === 'dialing') return 'dialing';
  if (row.attempts > 0) return 'attempted';
  return new Date(row.not_before).getTime() <= now ? 'due' : 'later';
}

/** Who asks: the staff member signed in. */
export interface DeskActor {
  userId: string;
  role: 'agent' | 'supervisor' | 'admin';
}

export interface DeskServiceDeps {
  staff: Pick<Accounts, 'findUser' | 'listAll'>;
  presence: AgentDesk;
  store: RoutingRepository;
  holds: CallHolds;
  cards: DeskCards;
  ledger: CallLedger;
  catalogue: Catalogue;
  callbacks: {
    placeNow(
      requestId: number,
      actor: CallbackActor,
    ): Promise<{ requestId: number; status: 'placing' }>;
    dialOut(agentId: string, phone: string): Promise<{ callSid: string; hotline: string }>;
  };
  db: Database;
  clock: Clock;
  settings: Config['agents'];
}

/** The agent's desk: their own state, the call on the line as a card, colleagues to transfer to, their work of the day. */
export function createDeskService(deps: DeskServiceDeps) {
  const { staff, presence, store, holds, cards, ledger, catalogue, db, clock, settings } = deps;
  const today = () => {
    const start = DateTime.fromJSDate(clock.now(), { zone: ZONE }).startOf('day');
    return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
  };
  const onTheLine = (snapshot: AgentSnapshot) =>
    snapshot.callSid &&
    !snapshot.callSid.startsWith('cb:') &&
    ['reserved', 'on_call', 'wrap_up'].includes(snapshot.state);
  // The catalogue's services as the outcome forms search them: by name, keyword, department or hall.
  const services: DeskServiceOption[] = catalogue.halls.flatMap((hall) =>
    hall.departments.flatMap((department) =>
      department.services.map((service) => ({
        id: service.id,
        name: service.name,
        department: department.name,
        hall: hall.name,
        hallId: hall.id,
        byPhone: service.byPhone,
        postal: service.postal,
        bookable: service.bookable,
        keywords: service.keywords,
      })),
    ),
  );

  return {
    /** The signed-in agent and their state; a read counts as a heartbeat. */
    async me(agentId: string): Promise<DeskMe> {
      const user = await staff.findUser(agentId);
      if (!user) throw new NotFoundError('no such user');
      await presence.heartbeat(user.id);
      return {
        user: {
          id: user.id,
          displayName: user.displayName || user.id,
          role: user.role,
          skills: user.skills,
          commissionerId: user.commissionerId,
        },
        state: await presence.snapshot(user.id),
      };
    },

    /** The call on the agent's line as the ledger has it, with the caller's path (audited: number and path are personal data). */
    async currentCall(agentId: string) {
      const snapshot = await presence.snapshot(agentId);
      const call =
        snapshot.callSid && !snapshot.callSid.startsWith('cb:')
          ? await ledger.find(snapshot.callSid)
          : undefined;
      if (!call) return { state: snapshot.state, call: null };
      await insertAudit(db, {
        actorId: agentId,
        action: 'read-call',
        subject: call.callSid,
        detail: { fields: ['fromNumber', 'steps'] },
        at: clock.now(),
      });
      const hotline = call.hotlineNumber ? catalogue.hotline(call.hotlineNumber) : undefined;
      const path = (await ledger.steps(call.callSid)).map((step) => ({
        node: step.nodeId,
        kind: step.kind,
        input: step.input,
        at: step.at,
      }));
      return {
        state: snapshot.state,
        call: {
          callSid: call.callSid,
          from: call.fromNumber,
          hotline: hotline ? { number: hotline.number, name: hotline.name } : null,
          queueSkill: call.queueSkill,
          priority: call.priority,
          greenChannel: call.greenChannel,
          priorityReason: call.priorityReason,
          enterpriseId: call.enterpriseId,
          queuedAt: call.queuedAt,
          path,
        },
      };
    },

    /** The desk's card of the call on the agent's line, with the wrap-up deadline and whether the caller can be held. */
    async currentCard(agentId: string): Promise<DeskCall> {
      const snapshot = await presence.snapshot(agentId);
      const callSid = onTheLine(snapshot) ? snapshot.callSid : '';
      const card = callSid
        ? await cards.card({ userId: agentId, fullNumber: false }, callSid)
        : undefined;
      const call = card ? await ledger.find(callSid) : undefined;
      const wrapUpEndsAt =
        card && snapshot.state === 'wrap_up'
          ? new Date(
              snapshot.since + wrapUpSecondsFor(settings, call?.queueSkill ?? null) * 1000,
            ).toISOString()
          : null;
      const onCall = Boolean(card) && snapshot.state === 'on_call';
      // Only a caller who came through a queue can be held (a callback's parent call is the agent's own leg).
      return {
        state: snapshot.state,
        call: card ?? null,
        wrapUpEndsAt,
        hold: onCall ? await holds.current(callSid) : null,
        holdable: onCall && call?.direction === 'inbound',
        now: clock.now().toISOString(),
      };
    },

    /** Any call's card for a supervisor, with the full number (audited). */
    async cardFor(actor: DeskActor, callSid: string): Promise<CallCard> {
      const card = await cards.card({ userId: actor.userId, fullNumber: true }, callSid);
      if (!card) throw new NotFoundError(`no such call: ${callSid}`);
      return card;
    },

    /** Departments and colleagues to transfer to, with who is free now. */
    async directory(agentId: string): Promise<DeskDirectory> {
      const users = (await staff.listAll()).filter((user) => !user.disabled && user.id !== agentId);
      const departments = await Promise.all(
        catalogue.halls.flatMap((hall) =>
          hall.departments.map(async (department) => ({
            id: department.id,
            name: queueName(catalogue, department.id),
            available: (await store.available(department.id)).length,
          })),
        ),
      );
      const people = await Promise.all(
        users.map(async (user) => ({
          id: user.id,
          name: user.displayName || user.id,
          state: (await store.agent(user.id)).state,
          departments: user.skills.map((skill) => queueName(catalogue, skill)).filter(Boolean),
        })),
      );
      return { departments, agents: people.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')) };
    },

    services: () => services,

    /** The agent who recorded the outcome (or a supervisor) adds the parcel's tracking number; audited. */
    async setTrackingNumber(
      actor: DeskActor,
      callSid: string,
      trackingNumber: string,
    ): Promise<void> {
      const [outcome] = await outcomesRepo.listOutcomes(db, callSid);
      if (!outcome || (outcome.agentId !== actor.userId && actor.role === 'agent'))
        throw new NotFoundError(`no outcome of yours for call ${callSid}`);
      if (!(await deskRepo.setTrackingNumber(db, callSid, trackingNumber)))
        throw new NotFoundError(`call ${callSid} has no delivery by post`);
      await insertAudit(db, {
        actorId: actor.userId,
        action: 'set-tracking-number',
        subject: callSid,
        detail: {},
        at: clock.now(),
      });
    },

    /** Today's own figures and the callbacks of the agent's skills. */
    async myWork(agentId: string): Promise<DeskMyWork> {
      const { from, to } = today();
      const user = await staff.findUser(agentId);
      const [figures, callbacks] = await Promise.all([
        deskRepo.myFigures(db, agentId, from, to),
        deskRepo.listMyCallbacks(db, agentId, user?.skills ?? [], from, 50),
      ]);
      const now = clock.now().getTime();
      return {
        figures: {
          ...figures,
          handleSeconds:
            figures.handled > 0
              ? Math.round((figures.talk_seconds + figures.after_call_seconds) / figures.handled)
              : null,
        },
        callbacks: callbacks.map((row) => ({
          id: Number(row.id),
          queue: queueName(catalogue, row.skill),
          phone: maskNumber(row.phone),
          group: callbackGroup(row, now),
          placeable: row.status === 'pending',
          attempts: row.attempts,
          notBefore: writtenTime(row.not_before),
          lastAttempt: row.last_attempt_at ? writtenTime(row.last_attempt_at) : '',
        })),
      };
    },

    /** Places a callback now: its agent, an agent of its department, or a supervisor. */
    async placeCallback(actor: DeskActor, requestId: number) {
      const user = await staff.findUser(actor.userId);
      return deps.callbacks.placeNow(requestId, {
        userId: actor.userId,
        skills: user?.skills ?? [],
        supervisor: actor.role !== 'agent',
      });
    },

    /** An outbound call (外呼) from the agent's desk to a citizen's number (E.164). */
    dialOut(actor: DeskActor, phone: string) {
      return deps.callbacks.dialOut(actor.userId, phone);
    },
  };
}

export type DeskService = ReturnType<typeof createDeskService>;
