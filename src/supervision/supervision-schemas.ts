import { z } from 'zod';
import { callSidSchema } from '../calls/index.js';
import { plainText } from '../platform/input-schemas.js';

/** `:agentId` of the supervisors' actions on one agent. */
export const agentParamsSchema = z.object({ agentId: z.string().trim().pipe(plainText(64)) });

/** 强制示闲 / 强制示忙 / 强制签出. */
export const forceStateSchema = z
  .object({ state: z.enum(['available', 'break', 'offline']) })
  .strict();

/** 强拆: the call the supervisor saw the agent on (not one the agent took since). */
export const endCallSchema = z.object({ callSid: callSidSchema }).strict();

/** 监听 / 耳语 / 强插 of the call the supervisor saw the agent on. */
export const monitorSchema = z
  .object({ callSid: callSidSchema, mode: z.enum(['listen', 'whisper', 'barge']) })
  .strict();

/** `:callSid` of the desk's own call. */
export const callParamsSchema = z.object({ callSid: callSidSchema });

/** 咨询转接's second step: 完成转接 or 取消. */
export const consultStepSchema = z.object({
  callSid: callSidSchema,
  step: z.enum(['complete', 'cancel']),
});

/** 三方通话: the colleague (an agent's id from the desk's directory) to bring into the call. */
export const threeWaySchema = z.object({ agent: z.string().trim().pipe(plainText(64)) }).strict();

/** The status callback of the colleague's participant call. */
export const threeWayEndedSchema = z.object({
  call: callSidSchema,
  agent: z.string().trim().pipe(plainText(64)),
});
