import type { CallRow, QueuedCall } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { RoutingTarget } from './routing-state.js';

/** The skill every agent has by name, so that a call can be aimed at one agent (transfer to a named agent). */
export const agentSkill = (agentId: string) => `agent:${agentId}`;

export interface TargetTimeouts {
  preferredTimeoutSeconds: number;
  departmentTimeoutSeconds: number;
}

/**
 * A call's ordered routing targets, each wider than the one before: the preferred agent
 * (the enterprise's commissioner, or the agent a call was transferred to) when there is one,
 * then the department, then every department of the same hall. A target with a zero timeout
 * is skipped.
 */
export function routingTargets(
  catalogue: Catalogue,
  call: Pick<CallRow, 'queueSkill' | 'priority' | 'commissionerId'>,
  timeouts: TargetTimeouts,
  preferredSkill: string | null = call.commissionerId,
): RoutingTarget[] {
  const skill = call.queueSkill!;
  const preferred = preferredSkill ? [preferredSkill] : [];
  const hall = catalogue.department(skill)?.hall;
  const hallSkills = hall ? hall.departments.map((d) => d.id) : [skill];
  const ordered = [...new Set([...preferred, skill, ...hallSkills.filter((s) => s !== skill)])];
  const steps: RoutingTarget[] = [];
  if (preferred.length > 0 && timeouts.preferredTimeoutSeconds > 0) {
    steps.push({
      skills: preferred,
      priority: call.priority,
      timeoutSeconds: timeouts.preferredTimeoutSeconds,
    });
  }
  const departmentSkills = [...preferred, skill];
  if (hallSkills.length > 1 && timeouts.departmentTimeoutSeconds > 0) {
    steps.push({
      skills: departmentSkills,
      priority: call.priority,
      timeoutSeconds: timeouts.departmentTimeoutSeconds,
    });
    steps.push({ skills: ordered, priority: call.priority, timeoutSeconds: null });
  } else {
    steps.push({ skills: ordered, priority: call.priority, timeoutSeconds: null });
  }
  return steps;
}

/**
 * The IVR menu and queue a caller waits in, for the IVR's queue webhooks: the menu of the
 * hotline they called (the first hotline's for a call routing does not know) and the call's
 * department skill.
 */
export function ivrQueueOf(
  catalogue: Catalogue,
  call: Pick<QueuedCall, 'hotline' | 'skill'> | undefined,
): { menu: string; skill: string } {
  const hotline = call?.hotline ? catalogue.hotline(call.hotline) : undefined;
  return {
    menu: (hotline ?? catalogue.hotlines[0]!).menu,
    skill: call?.skill ?? hotline?.department ?? catalogue.hotlines[0]!.department,
  };
}
