import type { CallLedger } from '../calls/index.js';
import type { Catalogue } from '../catalogue/index.js';
import type { Menu } from '../ivr/index.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import {
  ConflictError,
  isUniqueViolation,
  NotFoundError,
  ValidationError,
} from '../platform/errors.js';
import { parseInput } from '../platform/http.js';
import type { Logger } from '../platform/logger.js';
import { maskPhone } from '../platform/logger.js';
import type { Queues } from '../platform/queues.js';
import { crossCheckGuide } from './guides-loader.js';
import type {
  GuideForCall,
  GuideListing,
  GuideRevision,
  GuideSmsQueued,
} from './guides-responses.js';
import * as repo from './guides-repository.js';
import { guideReport } from './guides-stats.js';
import { guideEditSchema, type Guide } from './guides-schemas.js';
import { buildSearchIndex, type SearchIndex } from './guides-search.js';
import { guideSmsText } from './guides-sms.js';
import { guideHit, guideView, type GuideHit, type GuideView } from './guides-views.js';

export interface GuidesDeps {
  db: Database;
  catalogue: Catalogue;
  /** The guides of catalogue/guides, validated at start. */
  fileGuides: ReadonlyMap<string, Guide>;
  ledger: Pick<CallLedger, 'find' | 'steps'>;
  menus: ReadonlyMap<string, Menu>;
  queues: Queues;
  clock: Clock;
  logger: Logger;
  /** A member of staff's display name, for the history page (people see names, not ids). */
  nameOf?: (userId: string) => Promise<string>;
}

/** Labels that say how, not what: they do not tell which service a caller meant. */
const HOW_WORDS = new Set(['预约办理', '业务咨询', '电话办理', '咨询', '更多服务', '转人工']);

/**
 * The service guides (办事指南): read, searched by everyday words, suggested for an arriving
 * call from its IVR path, edited by supervisors (every edit a revision), sent to callers by SMS.
 */
export function createGuides(deps: GuidesDeps) {
  const { db, catalogue, fileGuides, ledger, menus, queues, clock } = deps;
  const log = deps.logger.child({ component: 'guides' });
  let cache:
    | { key: number; guides: Map<string, { guide: Guide; revision: number }>; index: SearchIndex }
    | undefined;

  /** The guides in force: the file's, replaced by the latest staff revision; rebuilt when any process has saved an edit. */
  async function current() {
    const key = await repo.latestRevisionId(db);
    if (cache?.key === key) return cache;
    const guides = new Map([...fileGuides].map(([id, guide]) => [id, { guide, revision: 0 }]));
    for (const row of await repo.listLatestRevisions(db))
      if (guides.has(row.serviceId))
        guides.set(row.serviceId, { guide: row.content, revision: row.revision });
    cache = {
      key,
      guides,
      index: buildSearchIndex(catalogue, new Map([...guides].map(([id, g]) => [id, g.guide]))),
    };
    return cache;
  }

  const view = (guide: Guide, revision: number) => guideView(catalogue, guide, revision);
  const hit = (serviceId: string, score: number) => guideHit(catalogue, serviceId, score);

  async function get(serviceId: string): Promise<GuideView> {
    const found = (await current()).guides.get(serviceId);
    if (!found) throw new NotFoundError(`no guide for service ${serviceId}`);
    return view(found.guide, found.revision);
  }

  return {
    get,

    /** Services by everyday words, best first. */
    async search(query: string, limit = 10): Promise<GuideHit[]> {
      return (await current()).index.search(query, { limit }).map((h) => hit(h.serviceId, h.score));
    },

    /** Every service with its guide's revision, by hall and department, for the guides page. */
    async list(): Promise<GuideListing[]> {
      const { guides } = await current();
      return catalogue.halls.flatMap((hall) =>
        hall.departments.flatMap((d) =>
          d.services.map((s) => ({ ...hit(s.id, 0), revision: guides.get(s.id)?.revision ?? 0 })),
        ),
      );
    },

    /**
     * The guide for a call, from what the caller chose in the IVR: the words of the options they
     * pressed or said, searched among the services of the department they queued for (and of the
     * self-service booking menus they entered). `candidates` are the department's other services.
     */
    async forCall(callSid: string): Promise<GuideForCall> {
      const call = await ledger.find(callSid);
      if (!call) throw new NotFoundError(`no call ${callSid}`);
      const hotline = call.hotlineNumber ? catalogue.hotline(call.hotlineNumber) : undefined;
      const menu = hotline ? menus.get(hotline.menu) : undefined;
      const steps = await ledger.steps(callSid);
      const words: string[] = [];
      const within = new Set<string>();
      const departmentId = call.queueSkill ?? call.departmentId ?? hotline?.department;
      const department = departmentId ? catalogue.department(departmentId)?.department : undefined;
      for (const service of department?.services ?? []) within.add(service.id);
      for (const step of steps) {
        const node =
          menu && Object.hasOwn(menu.nodes, step.nodeId) ? menu.nodes[step.nodeId] : undefined;
        if (step.kind === 'choice' && step.input && node?.kind === 'menu') {
          const option = node.options.find((o) => o.key === step.input);
          if (option && !HOW_WORDS.has(option.label)) words.push(option.label, ...option.keywords);
          else if (!option && !/^[0-9*#]+$/.test(step.input)) words.push(step.input);
        }
        if (node?.kind === 'booking') for (const id of node.services) within.add(id);
        if (step.kind === 'queued' && !department) {
          const queued = catalogue.department(step.nodeId)?.department;
          for (const service of queued?.services ?? []) within.add(service.id);
        }
      }
      const { index, guides } = await current();
      const ranked =
        words.length > 0
          ? index.search(words.join(' '), {
              within: within.size > 0 ? within : undefined,
              limit: 10,
            })
          : [];
      const best = ranked[0];
      const suggested = best ? guides.get(best.serviceId) : undefined;
      const others = [...within]
        .filter((id) => id !== best?.serviceId)
        .map((id) => hit(id, ranked.find((r) => r.serviceId === id)?.score ?? 0));
      others.sort((a, b) => b.score - a.score);
      return {
        suggested: suggested ? view(suggested.guide, suggested.revision) : null,
        words,
        candidates: others,
      };
    },

    /** Saves a supervisor's edit as the service's next revision; the old ones stay. */
    async edit(serviceId: string, editorId: string, body: unknown): Promise<GuideView> {
      if (!catalogue.service(serviceId)) throw new NotFoundError(`no service ${serviceId}`);
      const { guide: fields, note } = parseInput(guideEditSchema, body, 'guide');
      const guide: Guide = { service: serviceId, ...fields };
      const problems = crossCheckGuide(guide, catalogue);
      if (problems.length > 0)
        throw new ValidationError(`invalid guide: ${problems.join('; ')}`, {
          fields: problems.map((p) => ({ field: `guide.${p.split(':')[0]}`, reason: p })),
        });
      const revisions = await repo.listRevisions(db, serviceId);
      const revision = (revisions.at(-1)?.revision ?? 0) + 1;
      try {
        await repo.insertRevision(db, {
          serviceId,
          revision,
          content: guide,
          editedBy: editorId,
          editedAt: clock.now(),
          note,
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ConflictError(
            'the guide was changed by someone else at the same time; reload and edit again',
            'guide_changed',
          );
        throw error;
      }
      log.info({ serviceId, revision, editorId }, 'guide edited');
      return get(serviceId);
    },

    /** Every revision of a service's guide with who and when, oldest first (revision 0 is the file's). */
    async history(serviceId: string): Promise<GuideRevision[]> {
      const file = fileGuides.get(serviceId);
      if (!file) throw new NotFoundError(`no guide for service ${serviceId}`);
      const rows = await repo.listRevisions(db, serviceId);
      const nameOf = deps.nameOf ?? (async (id: string) => id);
      const edits = await Promise.all(
        rows.map(async (row) => ({
          revision: row.revision,
          editedBy: row.editedBy,
          editedByName: await nameOf(row.editedBy),
          editedAt: row.editedAt.toISOString(),
          note: row.note,
          guide: view(row.content, row.revision),
        })),
      );
      return [
        {
          revision: 0,
          editedBy: null,
          editedByName: '系统',
          editedAt: null,
          note: '随系统发布的版本',
          guide: view(file, 0),
        },
        ...edits,
      ];
    },

    /** Queues the guide's SMS to the caller of `callSid` (through the guide-sms job); the text is returned at once. */
    async requestSms(agentId: string, callSid: string, serviceId: string): Promise<GuideSmsQueued> {
      const call = await ledger.find(callSid);
      if (!call) throw new NotFoundError(`no call ${callSid}`);
      const found = (await current()).guides.get(serviceId);
      if (!found) throw new NotFoundError(`no guide for service ${serviceId}`);
      if (!/^\+861[3-9]\d{9}$/.test(call.fromNumber))
        throw new ConflictError(
          'the caller did not call from a mobile number, so no SMS can be sent',
          'no_mobile',
        );
      const row = await repo.insertGuideSms(db, {
        callSid,
        serviceId,
        revision: found.revision,
        agentId,
        requestedAt: clock.now(),
      });
      await queues.add('guide-sms', { smsId: row.id }, { jobId: `guide-sms-${row.id}` });
      log.info({ callSid, serviceId, agentId, smsId: row.id }, 'guide SMS queued');
      return { id: row.id, text: guideSmsText(found.guide, catalogue) };
    },

    /** The worker's half: the text of a queued guide SMS and the number, or why it is no longer sent. */
    async smsToSend(
      smsId: number,
    ): Promise<
      { to: string; body: string; hotline: string | null } | { skip: string } | undefined
    > {
      const row = await repo.findGuideSms(db, smsId);
      if (!row || row.status !== 'queued') return undefined;
      const call = await ledger.find(row.callSid);
      if (!call || !/^\+861[3-9]\d{9}$/.test(call.fromNumber)) return { skip: 'no mobile number' };
      const found =
        (await repo.listRevisions(db, row.serviceId)).find((r) => r.revision === row.revision)
          ?.content ?? fileGuides.get(row.serviceId);
      if (!found) return { skip: 'no guide' };
      log.info({ smsId, phone: maskPhone(call.fromNumber) }, 'sending guide SMS');
      return {
        to: call.fromNumber,
        body: guideSmsText(found, catalogue),
        hotline: call.hotlineNumber,
      };
    },

    settleSms: (smsId: number, status: 'sent' | 'skipped', detail: string) =>
      repo.settleGuideSms(db, smsId, status, detail, clock.now()),
    smsOfCall: (callSid: string) => repo.listGuideSmsOfCall(db, callSid),

    /** The guides' figures over whole days `from`..`to` (Beijing time): consultations, guides, SMS. */
    report: (from: string, to: string) => guideReport({ db, catalogue }, from, to),
  };
}

export type Guides = ReturnType<typeof createGuides>;
