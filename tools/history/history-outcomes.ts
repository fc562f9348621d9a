import type { Catalogue } from '../../src/catalogue/index.js';
import { createRandom } from './history-random.js';
import type { AgentLeg, HistoryPlan } from './history-script.js';
import { REPORT_TARGETS } from './history-targets.js';

/** Deals the outcomes by exact quotas over the answered calls, in a seeded order. */
export function dealOutcomes(
  settings: { seed: number; catalogue: Catalogue },
  plan: HistoryPlan,
): void {
  const { catalogue } = settings;
  const random = createRandom(settings.seed ^ 0x5eed);
  const finals: Array<{ leg: AgentLeg; skill: string }> = [];
  for (const day of plan.days) {
    for (const call of day.calls) {
      const legs = call.queue?.legs;
      if (!legs?.length) continue;
      for (const leg of legs.slice(0, -1))
        leg.outcome = { path: 'other', body: { reason: 'transferred' } };
      finals.push({ leg: legs.at(-1)!, skill: call.queue!.skill });
    }
  }
  const ratio = (target: number) => Math.round((finals.length * target) / REPORT_TARGETS.answered);
  const servicesOf = (skill: string) => catalogue.department(skill)?.department.services ?? [];
  const byPhone = finals.filter((f) => servicesOf(f.skill).some((s) => s.byPhone));
  // Seeded shuffle, then quotas: completions only where the department has a service done by phone.
  const shuffle = <T>(items: T[]) => {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  const completions = new Set(shuffle(byPhone).slice(0, ratio(REPORT_TARGETS.completedByPhone)));
  const rest = shuffle(finals.filter((f) => !completions.has(f)));
  const consultations = new Set(rest.slice(0, ratio(REPORT_TARGETS.consultations)));
  for (const final of finals) {
    const services = servicesOf(final.skill);
    if (completions.has(final)) {
      const service = random.pick(services.filter((s) => s.byPhone));
      const post = random.next() < 0.35;
      final.leg.outcome = {
        path: 'completed-by-phone',
        body: {
          serviceId: service.id,
          referenceNumber: `SYS${Math.floor(random.next() * 1e8)}`,
          result: '已电话办结',
          delivery: post
            ? { method: 'post', address: '双鸭山市尖山区', postcode: '155100' }
            : { method: 'pickup' },
        },
      };
    } else if (consultations.has(final)) {
      const service = services.length > 0 ? random.pick(services) : undefined;
      final.leg.outcome = {
        path: 'consultation',
        body: {
          ...(service && { serviceId: service.id }),
          topic: service?.name ?? '业务咨询',
          question: '办理需要哪些材料',
          answer: '已告知',
          resolution: random.next() < 0.9 ? 'resolved' : 'follow_up',
        },
      };
    } else {
      final.leg.outcome = {
        path: 'other',
        body: {
          reason: random.pick(['information_only', 'wrong_number', 'complaint', 'other'] as const),
        },
      };
    }
  }
}
