import { randomUUID } from 'node:crypto';
import type { CallLedger } from '../calls/index.js';
import { queueName, type Catalogue } from '../catalogue/index.js';
import type { Menu } from '../ivr/index.js';
import { insertAudit } from '../platform/audit-repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { ConflictError, ValidationError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { createRandom } from '../platform/random.js';
import type { CallControl, CallParty, ProviderTime } from '../telephony/index.js';
import { REPORT_WANT_MIX, type CallerWant } from './caller-model.js';
import { createTrainingCaller } from './training-caller.js';
import { drawCaller, type TrainingAnswer, type TrainingScript } from './training-script.js';

/** How often, and how long apart, a training call's mark is tried while its ledger row is missing. */
const MARK_ATTEMPTS = 60;
const MARK_RETRY_MS = 500;

/** The built-in provider as training needs it: it places the simulated callers. */
export interface TrainingLine {
  time: ProviderTime;
  placeCall(init: { from: string; to: string; party: CallParty }): CallControl;
}

export interface TrainingDeps {
  /** The built-in provider; none under Twilio, where training is refused. */
  line: TrainingLine | undefined;
  ledger: CallLedger;
  catalogue: Catalogue;
  menus: ReadonlyMap<string, Menu>;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** A member of staff's name as the pages show it. */
  nameOf(userId: string): Promise<string>;
}

/** What a supervisor starts. */
export interface TrainingSettings {
  /** Departments by their Chinese name (`大厅 · 部门`, or the department's own name when only one has it). */
  departments: string[];
  /** Callers per minute (arrivals are Poisson). */
  perMinute: number;
  /** How many callers in all. */
  calls: number;
  /** Relative weights of what callers want; default the report's mix. */
  wants?: Partial<Record<CallerWant, number>>;
  /** Mean seconds a queued caller waits before hanging up; default the demo history's. */
  patienceSeconds?: number;
  /** The same seed gives the same callers. */
  seed?: number;
}

/** A session as the supervisor's page shows it (Chinese names, no ids). */
export interface TrainingView {
  running: boolean;
  startedBy: string;
  startedAt: string;
  departments: string[];
  perMinute: number;
  calls: number;
  placed: number;
  answered: number;
  ended: number;
}

interface TrainingCall {
  script: TrainingScript;
  control: CallControl;
  answered: boolean;
  ended: boolean;
}

interface Session {
  id: string;
  view: Omit<TrainingView, 'placed' | 'answered' | 'ended' | 'running'>;
  stop: AbortController;
  calls: Map<string, TrainingCall>;
  arrivals: Promise<void>;
  /** Every caller has arrived (or the session was stopped). */
  arrived: boolean;
  finished: boolean;
}

/**
 * Training sessions: simulated callers drawn from the demo history's caller model dial the
 * hotlines through the built-in provider, walk the IVR, queue and reach agents like any caller;
 * each is marked in the ledger as training. One session at a time; start and stop are audited.
 */
export function createTraining(deps: TrainingDeps) {
  const { catalogue, ledger, logger } = deps;
  const log = logger.child({ component: 'training' });
  const departmentIds = [...new Set(catalogue.hotlines.map((h) => h.department))];
  const state: { session?: Session } = {};

  /** The departments a session can train on, by name. */
  const departmentNames = () => departmentIds.map((id) => queueName(catalogue, id));

  function departmentId(name: string): string {
    const byQueueName = departmentIds.filter((id) => queueName(catalogue, id) === name);
    const byOwnName = departmentIds.filter(
      (id) => catalogue.department(id)?.department.name === name,
    );
    const [id, ...others] = byQueueName.length > 0 ? byQueueName : byOwnName;
    if (!id) throw new ValidationError(`没有这个部门：${name}`);
    if (others.length > 0) throw new ValidationError(`“${name}”不止一个，请写明大厅：大厅 · 部门`);
    return id;
  }

  function audit(actorId: string, action: string, session: Session, detail = {}) {
    return insertAudit(deps.db, {
      actorId,
      action,
      subject: `training:${session.id}`,
      detail,
      at: deps.clock.now(),
    });
  }

  function view(session: Session): TrainingView {
    const calls = [...session.calls.values()];
    return {
      ...session.view,
      running: !session.finished,
      placed: calls.length,
      answered: calls.filter((c) => c.answered).length,
      ended: calls.filter((c) => c.ended).length,
    };
  }

  /** A session is over once every caller has arrived and hung up. */
  function settle(session: Session): void {
    if (session.arrived && [...session.calls.values()].every((c) => c.ended))
      session.finished = true;
  }

  function place(session: Session, line: TrainingLine, script: TrainingScript): void {
    const entry = { script, answered: false, ended: false } as TrainingCall;
    // The ledger's row may come later than the caller's first answer (an arrival written late, or
    // rebuilt from the final status callback): the mark is tried again until the row is there.
    const mark = async () => {
      for (let attempt = 1; attempt <= MARK_ATTEMPTS; attempt += 1) {
        try {
          if (await ledger.markTraining(entry.control.sid)) return;
        } catch (error) {
          log.error(
            { callSid: entry.control.sid, err: (error as Error).message },
            'could not mark a training call in the ledger',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, MARK_RETRY_MS).unref());
      }
      log.error({ callSid: entry.control.sid }, 'a training call never reached the ledger');
    };
    const caller = createTrainingCaller(script, line.time, {
      arrived: () => void mark(),
      connected: () => void (entry.answered = true),
      ended: () => {
        entry.ended = true;
        settle(session);
      },
    });
    entry.control = line.placeCall({ from: script.from, to: script.hotline, party: caller.party });
    caller.attach(entry.control);
    // Again once the final status callback was answered: a lost arrival is rebuilt from it, unmarked.
    void entry.control.ended.then(mark);
    session.calls.set(entry.control.sid, entry);
  }

  async function arrive(session: Session, line: TrainingLine, settings: TrainingSettings) {
    const random = createRandom(settings.seed ?? Date.now());
    const mix = {
      departments: settings.departments.map(departmentId),
      wants: { ...REPORT_WANT_MIX, ...settings.wants },
      patienceSeconds: settings.patienceSeconds ?? 260,
    };
    for (let n = 0; n < settings.calls; n += 1) {
      if (n > 0) {
        const gap = random.exponential(60_000 / settings.perMinute);
        const stopped = await line.time.sleep(gap, session.stop.signal).then(
          () => false,
          () => true,
        );
        if (stopped) return;
      }
      const script = drawCaller(random, catalogue, deps.menus, mix);
      if (script) place(session, line, script);
    }
  }

  return {
    departmentNames,

    /** The session running or last run, if any. */
    current: (): TrainingView | undefined => state.session && view(state.session),

    async start(actorId: string, settings: TrainingSettings): Promise<TrainingView> {
      const line = deps.line;
      // Simulated callers on a real provider would dial real lines.
      if (!line)
        throw new ConflictError(
          'training calls need the built-in provider (TELEPHONY_PROVIDER=local); this service runs on Twilio',
          'training_needs_local_line',
        );
      if (state.session && !state.session.finished)
        throw new ConflictError('a training session is running: stop it first', 'training_running');
      const departments = settings.departments.map((name) =>
        queueName(catalogue, departmentId(name)),
      );
      const session: Session = {
        id: randomUUID(),
        view: {
          startedBy: await deps.nameOf(actorId),
          startedAt: deps.clock.now().toISOString(),
          departments,
          perMinute: settings.perMinute,
          calls: settings.calls,
        },
        stop: new AbortController(),
        calls: new Map(),
        arrivals: Promise.resolve(),
        arrived: false,
        finished: false,
      };
      await audit(actorId, 'training.start', session, { ...settings, departments });
      state.session = session;
      session.arrivals = arrive(session, line, settings)
        .catch((error: unknown) =>
          log.error({ err: (error as Error).message }, 'training arrivals stopped'),
        )
        .finally(() => {
          session.arrived = true;
          settle(session);
        });
      log.info({ calls: settings.calls, perMinute: settings.perMinute }, 'training started');
      return view(session);
    },

    /** Stops arrivals and hangs up the session's calls still on the line. */
    async stop(actorId: string): Promise<TrainingView> {
      const session = state.session;
      if (!session || session.finished)
        throw new ConflictError('no training session is running', 'training_not_running');
      session.stop.abort();
      await session.arrivals;
      for (const call of session.calls.values()) if (!call.ended) call.control.hangup();
      await Promise.all([...session.calls.values()].map((c) => c.control.ended));
      session.finished = true;
      await audit(actorId, 'training.stop', session, { placed: session.calls.size });
      log.info({ placed: session.calls.size }, 'training stopped');
      return view(session);
    },

    /** The simulated caller's answers on a call, for the agent's desk; none for a real call. */
    answersOf(callSid: string): TrainingAnswer[] | undefined {
      return state.session?.calls.get(callSid)?.script.answers;
    },

    /** Ends a running session without an actor (the process is closing). */
    async close(): Promise<void> {
      const session = state.session;
      if (!session || session.finished) return;
      session.stop.abort();
      await session.arrivals;
      for (const call of session.calls.values()) if (!call.ended) call.control.hangup();
      session.finished = true;
    },
  };
}

export type Training = ReturnType<typeof createTraining>;
