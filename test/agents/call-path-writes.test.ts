import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/platform/clock.js';
import { findAgentCall, listStateLog } from '../../src/routing/agent-calls-repository.js';
import { postSigned } from '../support/twilio.js';
import {
  createAgent,
  queueCall,
  routingRuntime,
  serveRouting,
  type TwilioMock,
  useTwilioMockSuite,
  agentPath,
  voiceParams,
} from './agents-support.js';

/** The call path's writes, fewer statements each: the same rows as when each was written alone. */
describe('the call path writes the same rows in fewer statements', () => {
  const suiteMock = useTwilioMockSuite();
  let mock: TwilioMock;
  before(() => {
    mock = suiteMock();
  });

  async function setUp() {
    const clock = createFixedClock('2026-03-02T02:00:00Z');
    const runtime = await routingRuntime(mock, clock);
    return { runtime, clock, url: await serveRouting(runtime) };
  }

  it('when a call is offered and answered, then its queue SID, stages, events, the agent call and each state change are in the ledger as before', async () => {
    const { runtime, url } = await setUp();
    const waiting = await queueCall(runtime, { skill: 're-register' });
    assert.equal(
      (await runtime.ledger.find(waiting.callSid))?.twilioQueueSid,
      waiting.queueSid,
      'no agent free: the queue SID is recorded on its own',
    );
    await runtime.routing.acd.callLeftQueue(waiting.callSid, 'hangup');
    const agent = await createAgent(runtime, { skills: ['re-register'] });
    await runtime.routing.presence.setState(agent, 'available');
    const { callSid, queueSid } = await queueCall(runtime, { skill: 're-register' });
    const offered = await runtime.ledger.find(callSid);
    assert.equal(offered?.twilioQueueSid, queueSid, 'offered at once: recorded with the offer');
    assert.equal(offered?.agentId, agent);
    assert.ok(offered?.offeredAt);
    await postSigned(
      url,
      agentPath('leg-status', agent, callSid),
      voiceParams('CAffffffffffffffffffffffffffffffff', { CallStatus: 'in-progress' }),
    );
    const events = (await runtime.ledger.events(callSid)).map((e) => e.dedupeKey);
    assert.ok(events.includes('offered:1') && events.includes(`answered:${agent}`), String(events));
    const log = await listStateLog(runtime.database.db, agent);
    assert.deepEqual(
      log.map((row) => [row.fromState, row.toState, row.callSid]),
      [
        ['offline', 'available', null],
        ['available', 'reserved', callSid],
        ['reserved', 'on_call', callSid],
      ],
    );
    assert.deepEqual(
      log.map((row) => row.version),
      [1, 2, 3],
    );
    const answered = await findAgentCall(runtime.database.db, callSid, agent);
    assert.equal(answered?.skill, 're-register');
    assert.equal(answered?.answeredAt.getTime(), runtime.clock.now().getTime());
  });
});
