import { DateTime } from 'luxon';
import type { Catalogue } from '../catalogue/index.js';
import { ZONE } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logger.js';
import { maskPhone } from '../platform/logger.js';
import type { TwilioClient } from '../platform/twilio-client.js';
import { normalizePhone } from './booking-identity.js';
import type { SmsKind } from './booking-notifier.js';
import type { BookingRow } from './booking-repository.js';

/** How a booking's time reads in an SMS: 12月1日（星期二）09:00-09:30. */
export function smsTime(booking: Pick<BookingRow, 'startsAt' | 'endsAt'>): string {
  const start = DateTime.fromJSDate(booking.startsAt, { zone: ZONE }).setLocale('zh-CN');
  const end = DateTime.fromJSDate(booking.endsAt, { zone: ZONE });
  return `${start.toFormat('M月d日')}（${start.toFormat('cccc')}）${start.toFormat('HH:mm')}-${end.toFormat('HH:mm')}`;
}

/** The text of each booking SMS; code, hall address and what to bring where they help. */
export function smsBody(
  kind: SmsKind,
  booking: BookingRow,
  catalogue: Catalogue,
  config: Config,
): string {
  const place = catalogue.service(booking.serviceId);
  const hall = place?.hall;
  const what = `${hall?.name ?? ''}“${place?.service.name ?? booking.serviceId}”`;
  const where = hall ? `地址：${hall.address}。` : '';
  const bring = place?.service.bring ? `请携带：${place.service.bring}。` : '';
  const rule = config.booking.noShowRule;
  switch (kind) {
    case 'confirmation':
      return `【双鸭山政务服务】预约成功：${what}，${smsTime(booking)}，预约码${booking.code}。${where}${bring}到厅出示预约码即办。如需取消或改约，请拨打预约热线或登录“双营通”。`;
    case 'rescheduled':
      return `【双鸭山政务服务】改约成功：${what}改为${smsTime(booking)}，预约码${booking.code}不变。${where}${bring}`;
    case 'reminder':
      return `【双鸭山政务服务】温馨提醒：您明天${smsTime(booking)}预约了${what}，预约码${booking.code}。${where}${bring}如不能前来，请提前取消。`;
    case 'no_show_warning':
      return `【双鸭山政务服务】您${smsTime(booking)}的预约（预约码${booking.code}）未到厅办理。${rule.windowDays}天内累计${rule.blockAfter}次未到，将暂停电话和网上预约${rule.blockDays}天。不能前来时请提前取消。`;
    case 'suspended':
      return `【双鸭山政务服务】您${rule.windowDays}天内已${rule.blockAfter}次预约未到，电话和网上预约暂停${rule.blockDays}天，期间可到大厅现场取号办理。`;
  }
}

/** Whether a queued message still applies when the worker gets to it. */
export function smsStillDue(kind: SmsKind, booking: BookingRow, slotId: number): boolean {
  if (kind === 'no_show_warning' || kind === 'suspended') return booking.status === 'no_show';
  return booking.status === 'confirmed' && booking.slotId === slotId;
}

/** Sends one booking SMS through Twilio Messages; the sender is SMS_MESSAGING_SERVICE_SID, SMS_FROM, or the hotline. */
export async function sendBookingSms(
  deps: { twilio: TwilioClient; catalogue: Catalogue; config: Config; logger: Logger },
  kind: SmsKind,
  booking: BookingRow,
): Promise<string | null> {
  const { config, catalogue } = deps;
  // The numbering plan decides: a fixed line, a 400/800 number or an unallocated block gets none.
  if (normalizePhone(booking.phone)?.kind !== 'mobile') {
    deps.logger.info(
      { bookingId: booking.id, kind, phone: maskPhone(booking.phone) },
      'no SMS: the booking phone is not a mobile',
    );
    return null;
  }
  const from =
    config.sms.from ??
    booking.hotlineNumber ??
    catalogue.hotlines.find((h) => h.hall === booking.hallId)?.number ??
    catalogue.hotlines[0]!.number;
  const sender = config.sms.messagingServiceSid
    ? { messagingServiceSid: config.sms.messagingServiceSid }
    : { from };
  const message = await deps.twilio.messages.create({
    to: booking.phone,
    ...sender,
    body: smsBody(kind, booking, catalogue, config),
  });
  deps.logger.info(
    { bookingId: booking.id, kind, messageSid: message.sid, phone: maskPhone(booking.phone) },
    'booking SMS sent',
  );
  return message.sid;
}
