import { DateTime } from 'luxon';
import type { CallLedger } from '../calls/index.js';
import { queueName, type Catalogue } from '../catalogue/index.js';
import type { Menu } from '../ivr/index.js';
import { ZONE, type Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { insertAudit } from '../platform/audit-repository.js';
import { readablePath, type ReadableStep } from './desk-ivr-path.js';
import * as deskRepo from './desk-repository.js';

/** How many earlier calls and bookings the card lists. */
export const HISTORY_LIMIT = 10;

const PRIORITY_REASONS: Readonly<Record<string, string>> = {
  elderly: '老年人',
  disabled: '残疾人',
  'urgent-departure': '急需离市',
  'key-project': '重点项目',
};

const END_REASONS: Readonly<Record<string, string>> = {
  answered: '已接听',
  abandoned_in_ivr: '导航中挂断',
  abandoned_in_queue: '排队中挂断',
  self_served: '自助办结',
  callback_requested: '预约回电',
  ended_in_ivr: '导航结束',
  rejected: '未受理',
  failed: '未接通',
};

/** Outcome kinds as the desk names them. */
export const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  consultation: '咨询',
  completed_by_phone: '电话办结',
  booking: '预约',
  other: '其他',
};

export const BOOKING_STATUS_LABELS: Readonly<Record<string, string>> = {
  confirmed: '已预约',
  checked_in: '已到场',
  cancelled: '已取消',
  no_show: '未到场',
};

/** 13904691234 -> 139****1234; a landline keeps its area code and last four digits. */
export function maskNumber(number: string | null | undefined): string {
  if (!number) return '未知号码';
  const digits = number.replace(/^\+86/, '');
  if (digits.length < 7) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** A day and time as a person writes them in Beijing time: 2026年3月2日 10:05. */
export function writtenTime(at: Date | string): string {
  return DateTime.fromJSDate(new Date(at), { zone: ZONE }).toFormat('yyyy年M月d日 HH:mm');
}

/** 65 -> 1 分 5 秒; 42 -> 42 秒 */
export function writtenDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} 分 ${seconds % 60} 秒` : `${seconds} 秒`;
}

/** 2026-03-04 -> 2026年3月4日（星期三） */
export function writtenDay(day: string): string {
  const date = DateTime.fromISO(day, { zone: ZONE });
  return `${date.toFormat('yyyy年M月d日')}（星期${'一二三四五六日'[date.weekday - 1]}）`;
}

export interface CallCard {
  callSid: string;
  /** Masked for agents; in full for supervisors (audited). */
  from: string;
  fromMasked: boolean;
  /** An outbound call an agent placed (外呼): `from` is then the citizen rung. */
  outbound: boolean;
  hotline: { number: string; name: string } | null;
  hallName: string;
  departmentName: string;
  queueName: string;
  priority: { level: number; greenChannel: boolean; label: string; reason: string };
  enterprise: { name: string; commissioner: string } | null;
  queuedAt: string | null;
  queuedAtText: string;
  path: ReadableStep[];
  /** Times the caller was put on hold and for how long in all: 保持 2 次，共 1 分 5 秒; '' when never. */
  holdText: string;
  holdSeconds: number;
  history: {
    calls: Array<{ when: string; hotline: string; outcome: string; agent: string }>;
    bookings: Array<{
      code: string;
      service: string;
      hall: string;
      day: string;
      time: string;
      status: string;
    }>;
  };
}

export interface DeskCardDeps {
  db: Database;
  ledger: CallLedger;
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  clock: Clock;
}

/** The call card: who is calling, from where in the IVR, and what they did with the hotlines before. */
export function createDeskCards({ db, ledger, catalogue, menus, clock }: DeskCardDeps) {
  const skillName = (skill: string) => queueName(catalogue, skill);
  return {
    /** The card of `callSid` for `actor`; every read is audited (the caller's number, path and history are personal data). */
    async card(
      actor: { userId: string; fullNumber: boolean },
      callSid: string,
    ): Promise<CallCard | undefined> {
      const call = await ledger.find(callSid);
      if (!call) return undefined;
      const hotline = call.hotlineNumber ? catalogue.hotline(call.hotlineNumber) : undefined;
      const hall = call.hallId
        ? catalogue.hall(call.hallId)
        : hotline
          ? catalogue.hall(hotline.hall)
          : undefined;
      const department = call.departmentId
        ? catalogue.department(call.departmentId)?.department
        : hotline
          ? catalogue.department(hotline.department)?.department
          : undefined;
      const enterprise = call.enterpriseId
        ? catalogue.commissioners
            .flatMap((c) => c.enterprises.map((e) => ({ e, c })))
            .find(({ e }) => e.id === call.enterpriseId)
        : undefined;
      const commissioner = call.commissionerId
        ? catalogue.commissioners.find((c) => c.id === call.commissionerId)
        : enterprise?.c;
      // The citizen: who called, or whom an agent's outbound call (外呼) rang.
      const citizen = call.direction === 'outbound' ? call.toNumber : call.fromNumber;
      const [steps, holds, pastCalls, bookings] = await Promise.all([
        ledger.steps(callSid),
        deskRepo.holdTotals(db, callSid),
        citizen ? deskRepo.listPastCalls(db, citizen, callSid, HISTORY_LIMIT) : Promise.resolve([]),
        citizen ? deskRepo.listBookingsByPhone(db, citizen, HISTORY_LIMIT) : Promise.resolve([]),
      ]);
      await insertAudit(db, {
        actorId: actor.userId,
        action: 'read-call-card',
        subject: callSid,
        detail: { fields: ['fromNumber', 'steps', 'history'], fullNumber: actor.fullNumber },
        at: clock.now(),
      });
      const reason = call.priorityReason
        ? (PRIORITY_REASONS[call.priorityReason] ?? '优先来电')
        : '';
      return {
        callSid,
        from: actor.fullNumber ? citizen || '未知号码' : maskNumber(citizen),
        fromMasked: !actor.fullNumber,
        outbound: call.direction === 'outbound',
        hotline: hotline ? { number: hotline.number, name: hotline.name } : null,
        hallName: hall?.name ?? '',
        departmentName: department?.name ?? '',
        queueName: skillName(call.queueSkill ?? ''),
        priority: {
          level: call.priority,
          greenChannel: call.greenChannel,
          label: call.greenChannel ? '绿色通道' : call.priority > 0 ? '优先' : '普通',
          reason: reason || (call.greenChannel ? '来电人在语音导航中选择紧急绿色通道' : ''),
        },
        enterprise: enterprise
          ? { name: enterprise.e.name, commissioner: commissioner?.name ?? '' }
          : null,
        queuedAt: call.queuedAt?.toISOString() ?? null,
        queuedAtText: call.queuedAt ? writtenTime(call.queuedAt) : '',
        path: readablePath(hotline ? menus.get(hotline.menu) : undefined, steps, skillName),
        holdText:
          holds.holds > 0 ? `保持 ${holds.holds} 次，共 ${writtenDuration(holds.seconds)}` : '',
        holdSeconds: holds.seconds,
        history: {
          calls: pastCalls.map((row) => ({
            when: writtenTime(row.arrived_at),
            hotline:
              (row.hotline_number ? catalogue.hotline(row.hotline_number)?.name : undefined) ??
              '未知热线',
            outcome: row.outcome_kind
              ? (OUTCOME_LABELS[row.outcome_kind] ?? '其他')
              : row.end_reason
                ? (END_REASONS[row.end_reason] ?? '其他')
                : row.self_served
                  ? '自助办结'
                  : row.answered
                    ? '已接听'
                    : '未结束',
            agent: row.agent_id ? (row.agent_name ?? row.agent_id) : '',
          })),
          bookings: bookings.map((row) => {
            const place = catalogue.service(row.service_id);
            return {
              code: row.code,
              service: place?.service.name ?? '未知事项',
              hall: catalogue.hall(row.hall_id)?.name ?? '',
              day: writtenDay(row.day),
              time: DateTime.fromJSDate(new Date(row.starts_at), { zone: ZONE }).toFormat('HH:mm'),
              status: BOOKING_STATUS_LABELS[row.status] ?? row.status,
            };
          }),
        },
      };
    },
  };
}

export type DeskCards = ReturnType<typeof createDeskCards>;
