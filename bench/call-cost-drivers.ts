import { randomBytes } from 'node:crypto';
import { idCheckCharacter } from '../src/booking/index.js';
import type { Clock } from '../src/platform/clock.js';
import type { Runtime } from '../src/runtime.js';
import { readTwiml, type Verb } from '../src/telephony/index.js';
import { placeCall, type CallerInput, type CallerTransport } from '../tools/caller/caller.js';
import type { CallKind } from './call-cost-types.js';
import type { RestRequest } from './call-cost-stand-ins.js';
import { PUBLIC_BASE_URL } from './incoming-bench.js';

/** The hotline every call of the scenario rings. */
export const CITIZEN_CENTRE = '+864694226101';

const keys = (...list: string[]): CallerInput[] => list.map((digits) => ({ kind: 'dtmf', digits }));

/** What the drivers play a call on: the stage's transport, runtime, agent and REST stand-in. */
export interface CallDriverContext {
  runtime: Runtime;
  clock: Clock;
  /** The agent who answers and is called back. */
  agent: string;
  /** Posts signed webhooks to the service, each counted as a step of the call. */
  transport: CallerTransport;
  /** The requests the REST stand-in received. */
  restRequests: RestRequest[];
  /** Runs one step of the call; with counters, notes what it cost. */
  step<T>(label: string, run: () => Promise<T>): Promise<T>;
  /** Runs the jobs the call produced that are due now, through the worker's processors. */
  runDueJobs(): Promise<void>;
}

/** The four kinds of complete call, each played as the provider and the agent would play it. */
export function createCallDrivers(
  context: CallDriverContext,
): Record<CallKind, () => Promise<void>> {
  const { runtime, clock, agent, transport, restRequests, step, runDueJobs } = context;
  const post = async (publicUrl: string, params: Record<string, string>) => {
    const response = await transport.post(publicUrl, params);
    if (response.status >= 300)
      throw new Error(`${publicUrl} answered ${response.status}: ${response.body}`);
    return response.body.startsWith('<?xml') ? readTwiml(response.body) : [];
  };
  const statusCompleted = (callSid: string, from: string, to: string) =>
    post(`${PUBLIC_BASE_URL}/twilio/voice/status`, {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: callSid,
      CallStatus: 'completed',
      SequenceNumber: '9',
      Timestamp: clock.now().toUTCString().replace('GMT', '+0000'),
      From: from,
      To: to,
      Direction: 'inbound',
      CallDuration: '120',
    });
  const waitForRest = async (match: (r: RestRequest) => boolean) => {
    for (let i = 0; i < 200; i += 1) {
      const found = restRequests.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the service made no such REST request');
  };
  const attribute = (verbs: Verb[], verb: string, name: string): string | undefined => {
    for (const v of verbs) {
      if (v.name === verb && v.attributes[name]) return v.attributes[name];
      const inner = attribute(v.children, verb, name);
      if (inner) return inner;
    }
    return undefined;
  };
  let callers = 0;
  const nextCaller = () => {
    callers += 1;
    return `+86139046${String(callers).padStart(5, '0')}`;
  };

  const plays: Record<CallKind, () => Promise<void>> = {
    // The caller hears the welcome, chooses consulting, and hangs up at its menu.
    async ivrHangUp() {
      const from = nextCaller();
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from,
          inputs: keys('2'),
        },
        null,
      );
      if (call.outcome !== 'caller-hung-up') throw new Error(call.lines.join('\n'));
      await statusCompleted(call.requests[0]!.params.CallSid!, from, CITIZEN_CENTRE);
      await runDueJobs();
    },
    // Book (1), the general desks (1), general intake (1), its first service (1), tomorrow morning (3), the ID number, confirm (1): as test/flows/call-flows.test.ts.
    async selfServedBooking() {
      const from = nextCaller();
      const first17 = `2305021960010${String(1000 + callers).slice(-4)}`;
      const idNumber = `${first17}${idCheckCharacter(first17)}`;
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from,
          inputs: keys('1', '1', '1', '1', '3', `${idNumber.replace('X', '*')}#`, '1'),
        },
        null,
      );
      if (!/预约码是/.test(call.lines.join('\n'))) throw new Error(call.lines.join('\n'));
      await statusCompleted(call.requests[0]!.params.CallSid!, from, CITIZEN_CENTRE);
      await runDueJobs();
    },
    // Consult (2), general guidance (1): queued, dequeued to the free agent, answered, hung up, outcome recorded.
    async answered() {
      const from = nextCaller();
      let resultUrl = '';
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from,
          inputs: keys('2', '1'),
          waitRounds: 1,
          // The Enqueue action is requested below, as Twilio does after a REST dequeue (QueueResult redirected).
          stopAt: (next) => (next.includes('/queue/result') ? ((resultUrl = next), true) : false),
        },
        null,
      );
      const callSid = call.requests[0]!.params.CallSid!;
      const base = call.requests[0]!.params;
      const dequeue = await waitForRest((r) => r.path.endsWith(`/Members/${callSid}.json`));
      const wait = call.requests.at(-1)!.params;
      await post(resultUrl, {
        ...base,
        QueueResult: 'redirected',
        QueueSid: wait.QueueSid!,
        QueueTime: '20',
      });
      const connect = await post(dequeue.params.get('Url')!, base);
      const legStatus = attribute(connect, 'Client', 'statusCallback');
      const dialResult = attribute(connect, 'Dial', 'action')!;
      const agentLeg = `CA${randomBytes(16).toString('hex')}`;
      const leg = (status: string) =>
        legStatus
          ? post(legStatus, { AccountSid: base.AccountSid!, CallSid: agentLeg, CallStatus: status })
          : Promise.resolve([]);
      await leg('in-progress');
      await post(dialResult, {
        ...base,
        DialCallStatus: 'completed',
        DialCallSid: agentLeg,
        DialCallDuration: '100',
      });
      await leg('completed');
      await statusCompleted(callSid, from, CITIZEN_CENTRE);
      await step('desk outcomes.record', () =>
        runtime.desk.outcomes.record(agent, callSid, 'other', { reason: 'information_only' }),
      );
      await runDueJobs();
    },
    // Consult (2), general guidance (1) with no agent free; 1 at the callback offer; later the agent is free and the callback is placed and answered.
    async callback() {
      const from = nextCaller();
      const call = await placeCall(
        transport,
        PUBLIC_BASE_URL,
        {
          to: CITIZEN_CENTRE,
          from,
          inputs: keys('2', '1', '1'),
          waitRounds: 3,
        },
        null,
      );
      if (!call.requests.some((r) => r.twiml.includes('<Leave/>')))
        throw new Error(call.lines.join('\n'));
      await statusCompleted(call.requests[0]!.params.CallSid!, from, CITIZEN_CENTRE);
      await runDueJobs();
      const before = restRequests.length;
      await step('agent available (presence.setState)', () =>
        runtime.routing.presence.setState(agent, 'available'),
      );
      await runDueJobs();
      const create = await waitForRest(
        (r) => restRequests.indexOf(r) >= before && r.path.endsWith('/Calls.json'),
      );
      const agentLeg = `CA${randomBytes(16).toString('hex')}`;
      const params = { AccountSid: 'AC00000000000000000000000000000000', CallSid: agentLeg };
      const connect = await post(create.params.get('Url')!, {
        ...params,
        CallStatus: 'in-progress',
      });
      await post(attribute(connect, 'Dial', 'action')!, {
        ...params,
        CallStatus: 'in-progress',
        DialCallStatus: 'completed',
        DialCallSid: `CA${randomBytes(16).toString('hex')}`,
        DialCallDuration: '90',
      });
      const status = create.params.get('StatusCallback');
      if (status) await post(status, { ...params, CallStatus: 'completed', CallDuration: '95' });
      await step('desk outcomes.record', () =>
        runtime.desk.outcomes.record(agent, agentLeg, 'consultation', {
          topic: '个税汇算',
          question: '如何申报',
          answer: '已指导',
          resolution: 'resolved',
        }),
      );
      await runDueJobs();
    },
  };
  return plays;
}
