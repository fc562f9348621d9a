import type { AppError } from './errors.js';

/**
 * Every API error code in a sentence a person reads (an agent, a supervisor, a channel's
 * developer showing it to a citizen): the body carries it as `messageZh` beside the English
 * `code` and `message`, which stay as they were for programs and logs.
 */
const CODE_WORDS: Readonly<Record<string, string>> = {
  bad_request: '请求格式有误，无法读取',
  too_large: '请求内容过大',
  unsupported_charset: '请求内容须为 UTF-8 编码',
  unsupported_encoding: '不支持该请求压缩方式',
  validation_failed: '填写的内容有误，请按提示更正',
  unauthorized: '登录已过期或未登录，请重新登录',
  forbidden: '当前账号无权进行此操作',
  not_found: '未找到相关记录',
  rate_limited: '操作过于频繁，请稍后再试',
  internal: '服务器暂时无法处理，请稍后重试',
  duplicate: '该记录已存在',
  user_exists: '该用户名已存在',
  idempotency_key_reused: '同一幂等键已用于另一请求，请换用新的幂等键',
  slot_full: '该时段已约满，请另选时段',
  duplicate_booking: '此人当天已预约该事项',
  hold_expired: '号源保留已过期，请重新选择时段',
  booking_suspended: '此人因多次爽约暂停预约',
  not_cancellable: '该预约已不能取消',
  not_reschedulable: '该预约已不能改约',
  not_checkable: '该预约现在不能签到',
  request_in_progress: '正在处理同一请求，请稍候',
  feed_invalid: '名单有误，整份未予接收',
  outside_history: '所选期间超出可查询的历史范围',
  outcome_exists: '该通话已记录结果',
  outcome_required: '请先保存本次通话结果',
  agent_busy: '通话中，通话结束后才能切换状态',
  agent_not_available: '坐席当前不是空闲状态',
  state_changed: '状态已变化，请刷新后重试',
  state_not_logged: '状态变化未能记录，请重试',
  not_on_this_call: '您不在这通电话上',
  bridge_unavailable:
    '当前语音服务（TELEPHONY_PROFILE=twiml-core）不支持会议桥，无法监听、耳语或强插',
  three_way_unavailable:
    '当前语音服务（TELEPHONY_PROFILE=twiml-core）不支持会议桥，无法三方通话或咨询转接',
  colleague_not_available: '该同事当前不是空闲状态，无法加入通话',
  not_consulting: '这通电话没有正在进行的咨询',
  not_bridgeable: '这通电话现在无法加入监听（坐席未在通话中接通，或正在保持）',
  not_transferable: '这通电话现在无法转接',
  not_holdable: '该通话不能保持',
  not_on_hold: '通话未在保持中',
  already_on_hold: '通话已在保持中',
  callback_in_progress: '该回电正在拨打中',
  callback_closed: '该回电已完成或已结束',
  not_your_callback: '该回电不属于您的业务范围',
  no_agent_phone: '您的电话未配置或未连接，无法外呼',
  twilio_unavailable: '语音服务暂时无法操作，请稍后重试',
  training_needs_local_line:
    '培训来电只能在内置电话线路（TELEPHONY_PROVIDER=local）上进行；当前接的是真实的 Twilio 线路，不能模拟来电',
  training_running: '已有一场培训正在进行，请先停止',
  training_not_running: '没有正在进行的培训',
  not_a_training_call: '当前不是培训来电，请用「确认预约」真正预约',
};

const HAN = /\p{Script=Han}/u;

/** The Chinese sentence for an error: its message when that is already Chinese (it says more), else the code's words, else one by status. */
export function chineseMessage(code: string, status: number, message = ''): string {
  if (HAN.test(message)) return message;
  const words = CODE_WORDS[code];
  if (words) return words;
  return status >= 500 ? CODE_WORDS.internal! : '请求未被接受，请检查后重试';
}

/** The JSON body of every API error: `{ error: { code, message, messageZh, details? } }`. */
export interface ApiErrorBody {
  error: {
    /** Machine-readable, English (`slot_full`). */
    code: string;
    /** For developers and logs, English. */
    message: string;
    /** For people, Chinese. */
    messageZh: string;
    details?: unknown;
  };
}

/** An AppError as the JSON body the API answers with. */
export function errorBody(error: AppError): ApiErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      messageZh: chineseMessage(error.code, error.status, error.message),
      ...(error.details ? { details: error.details } : {}),
    },
  };
}
