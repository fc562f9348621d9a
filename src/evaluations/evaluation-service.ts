import type { CallLedger } from '../calls/index.js';
import type { Catalogue, Prompts } from '../catalogue/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { NotFoundError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Redis } from '../platform/redis.js';
import type { VoiceResponse } from '../platform/twiml.js';
import { voiceUrl } from '../platform/voice-urls.js';
import * as repo from './evaluation-repository.js';
import { evaluationReport } from './evaluation-stats.js';
import { evaluationMenuTwiml, goodbyeTwiml, toMenuTwiml } from './evaluation-twiml.js';

/** The five levels by key, in the city's words; 4 and 5 are 差评. */
export const LEVELS: Readonly<Record<number, string>> = {
  1: '非常满意',
  2: '满意',
  3: '基本满意',
  4: '不满意',
  5: '非常不满意',
};
/**
 * How long a hotline's switch is kept in Redis before it is read again: the switch writes it
 * there itself, so this bounds only a switch whose Redis write failed.
 */
export const SWITCH_CACHE_SECONDS = 300;

/** Keys 1-3 count as satisfied, 4-5 as 差评. */
export const isPoor = (level: number | null | undefined) => level === 4 || level === 5;

export interface EvaluationDeps {
  db: Database;
  /** Keeps each hotline's switch for the end of every answered call (see `enabled`). */
  redis: Redis;
  redisPrefix: string;
  catalogue: Catalogue;
  ledger: Pick<CallLedger, 'find'>;
  prompts: Prompts;
  clock: Clock;
  logger: Logger;
  voice: string;
  publicBaseUrl: string;
  followUpDays: number;
  /** Told of every 差评 (the follow-up cases open one). */
  onPoor?: (evaluation: repo.EvaluationRow) => Promise<void>;
  /** Members of staff's display names by username (the username when none is set), for the agents of the report. */
  namesOf: (userIds: readonly string[]) => Promise<Map<string, string>>;
}

/** A hotline's evaluation switch: whether callers are asked to evaluate, who switched it and when. */
export interface EvaluationSetting {
  number: string;
  name: string;
  enabled: boolean;
  /** null while never switched. */
  changedBy: string | null;
  /** ISO instant; null while never switched. */
  changedAt: string | null;
}

/**
 * 好差评 by phone: after the agent hangs up (or a self-service booking is done), a caller on a hotline that has it switched on hears
 * one menu of five keys. Silence, a wrong key twice or a hang-up is 未评价, never satisfied.
 */
export function createEvaluations(deps: EvaluationDeps) {
  const { db, catalogue, ledger, prompts, clock, voice } = deps;
  const log = deps.logger.child({ component: 'evaluations' });
  const url = (path: string, params: Record<string, string | number>) =>
    voiceUrl(deps.publicBaseUrl, path, params);

  const switchKey = (hotline: string) => `${deps.redisPrefix}:evaluations:switch:${hotline}`;
  async function keepSwitch(hotline: string, on: boolean, onlyIfAbsent: boolean): Promise<void> {
    const key = switchKey(hotline);
    const value = on ? '1' : '0';
    try {
      if (onlyIfAbsent) await deps.redis.set(key, value, 'EX', SWITCH_CACHE_SECONDS, 'NX');
      else await deps.redis.set(key, value, 'EX', SWITCH_CACHE_SECONDS);
    } catch (error) {
      log.warn({ hotline, err: (error as Error).message }, 'evaluation switch not kept in Redis');
    }
  }

  /**
   * Whether the hotline has the evaluation on. Asked at the end of every answered call, so read
   * from Redis, where the switch keeps itself (`setEnabled`); from PostgreSQL when Redis has it
   * not (kept there then unless a switch came meanwhile: NX).
   */
  async function enabled(hotlineNumber: string | null | undefined): Promise<boolean> {
    if (!hotlineNumber) return false;
    const kept = await deps.redis.get(switchKey(hotlineNumber)).catch(() => null);
    if (kept !== null) return kept === '1';
    const on = Boolean((await repo.latestSetting(db, hotlineNumber))?.enabled);
    await keepSwitch(hotlineNumber, on, true);
    return on;
  }

  const service = {
    enabled,

    /** Every hotline with its switch, for the supervisors' page. */
    async settings(): Promise<EvaluationSetting[]> {
      const latest = new Map(
        (await repo.listLatestSettings(db)).map((row) => [row.hotlineNumber, row]),
      );
      return catalogue.hotlines.map((h) => {
        const row = latest.get(h.number);
        return {
          number: h.number,
          name: h.name,
          enabled: row?.enabled ?? false,
          changedBy: row?.changedBy ?? null,
          changedAt: row?.changedAt.toISOString() ?? null,
        };
      });
    },

    /** Switches the evaluation on or off for a hotline (a new row; the old ones stay). */
    async setEnabled(hotlineNumber: string, on: boolean, actorId: string) {
      if (!catalogue.hotline(hotlineNumber)) throw new NotFoundError(`no hotline ${hotlineNumber}`);
      await repo.insertSetting(db, {
        hotlineNumber,
        enabled: on,
        changedBy: actorId,
        changedAt: clock.now(),
      });
      await keepSwitch(hotlineNumber, on, false);
      log.info({ hotline: hotlineNumber, enabled: on, actorId }, 'evaluation switched');
    },

    /**
     * The agent's leg of an answered call ended. On a hotline with the evaluation on, the call gets
     * its evaluation row, and a caller still on the line is sent to the menu; a caller already gone
     * is 未评价 (hung_up). Undefined: the call simply ends. Never throws: a failure ends the call.
     * `switchedOn` is `enabledRead(hotline)` as another statement read it just now.
     */
    async afterAgentLeg(
      callSid: string,
      agentId: string,
      callerStatus: string,
      hotline?: string | null,
    ): Promise<VoiceResponse | undefined> {
      try {
        // The hotline routing kept answers "is it on?" first: the call is read only when it is.
        if (hotline !== undefined && !(await enabled(hotline))) return undefined;
        const call = await ledger.find(callSid);
        if (!call || (hotline === undefined && !(await enabled(call.hotlineNumber))))
          return undefined;
        const gone =
          callerStatus === 'completed' || callerStatus === 'canceled' || Boolean(call.endedAt);
        const department = call.queueSkill ?? call.departmentId;
        const { created } = await repo.insertEvaluation(db, {
          callSid,
          channel: 'agent',
          hotlineNumber: call.hotlineNumber,
          hallId:
            (department ? catalogue.department(department)?.hall.id : undefined) ?? call.hallId,
          departmentId: department,
          agentId,
          offeredAt: clock.now(),
          result: gone ? 'hung_up' : 'offered',
          answeredAt: gone ? clock.now() : null,
        });
        if (gone || !created) return undefined;
        return toMenuTwiml(url('/evaluation/menu', { call: callSid }));
      } catch (error) {
        log.error(
          { callSid, err: (error as Error).message },
          'evaluation could not be offered; the call ends',
        );
        return undefined;
      }
    },

    /**
     * A self-service (an IVR booking) is done: on a hotline with the evaluation on, the call gets
     * its evaluation row (no agent) and the menu's URL is returned for the caller to go to.
     * Undefined: the call ends as before. Never throws.
     */
    async afterSelfService(callSid: string): Promise<string | undefined> {
      try {
        const call = await ledger.find(callSid);
        if (!call || !(await enabled(call.hotlineNumber))) return undefined;
        const department =
          call.departmentId ??
          (call.hotlineNumber ? catalogue.hotline(call.hotlineNumber)?.department : undefined) ??
          null;
        const { created } = await repo.insertEvaluation(db, {
          callSid,
          channel: 'self_service',
          hotlineNumber: call.hotlineNumber,
          hallId: call.hallId,
          departmentId: department,
          agentId: null,
          offeredAt: clock.now(),
        });
        return created ? url('/evaluation/menu', { call: callSid }) : undefined;
      } catch (error) {
        log.error(
          { callSid, err: (error as Error).message },
          'evaluation could not be offered after self-service; the call ends',
        );
        return undefined;
      }
    },

    /** The menu, for the `attempt`-th time (0 or 1). */
    menu(callSid: string, attempt: number, leadIn = ''): VoiceResponse {
      return evaluationMenuTwiml(
        voice,
        `${leadIn}${prompts.say('evaluation.menu')}`,
        url('/evaluation/answer', { call: callSid, try: attempt }),
      );
    },

    /** What the caller pressed (or nothing): recorded once, then thanks and goodbye. */
    async answer(callSid: string, digits: string, attempt: number): Promise<VoiceResponse> {
      const key = digits.trim();
      if (/^[1-5]$/.test(key)) {
        const level = Number(key);
        const row = await repo.settleEvaluation(db, callSid, {
          result: 'evaluated',
          level,
          answeredAt: clock.now(),
        });
        if (row) {
          log.info({ callSid, level }, 'call evaluated');
          if (isPoor(level)) await deps.onPoor?.(row);
        }
        return goodbyeTwiml(
          voice,
          isPoor(level)
            ? prompts.say('evaluation.followUp', { days: String(deps.followUpDays) })
            : prompts.say('evaluation.thanks'),
        );
      }
      if (key && attempt === 0) return service.menu(callSid, 1, prompts.say('evaluation.invalid'));
      await repo.settleEvaluation(db, callSid, {
        result: key ? 'invalid' : 'no_input',
        level: null,
        answeredAt: clock.now(),
      });
      return goodbyeTwiml(voice, prompts.say('evaluation.noAnswer'));
    },

    findByCall: (callSid: string) => repo.findEvaluationByCall(db, callSid),

    /** The 好差评 statistics over whole days `from`..`to` (YYYY-MM-DD, Beijing time), agents by name. */
    report: (from: string, to: string) =>
      evaluationReport({ db, catalogue, namesOf: deps.namesOf }, from, to),
  };
  return service;
}

export type Evaluations = ReturnType<typeof createEvaluations>;
