import assert from 'node:assert/strict';
import { listAudit } from '../../src/platform/audit-repository.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { postSigned } from '../support/twilio.js';
import {
  client,
  closeRoutingRuntimes,
  createAgent,
  queueCall,
  queueWaitPath,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';

describe("who reads a call's outcomes (issue 26, finding 4)", () => {
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;

  before(async () => {
    mock = await startTwilioMock();
    runtime = await routingRuntime(mock, createFixedClock('2026-03-02T02:00:00Z'));
    url = await serveRouting(runtime);
  });
  after(async () => {
    await closeRoutingRuntimes();
    await mock.close();
  });

  /** A call answered by `agent` through its queue, its postal outcome recorded by that agent. */
  async function postalOutcome(agent: string, skill: string) {
    await runtime.routing.presence.setState(agent, 'available');
    const { callSid } = await queueCall(runtime, { skill });
    await runtime.routing.acd.agentLegStatus(agent, callSid, 'in-progress');
    const browser = client(url);
    await browser.login(agent);
    const stored = await browser.request(
      'POST',
      `/api/calls/${callSid}/outcomes/completed-by-phone`,
      {
        serviceId: 'cc-general-guide',
        referenceNumber: 'SYS-2026-000777',
        result: '已办结',
        delivery: {
          method: 'post',
          recipient: '王丽',
          phone: '13904691234',
          province: '黑龙江省',
          city: '双鸭山市',
          district: '尖山区',
          street: '新兴大街296号',
        },
      },
    );
    assert.equal(stored.status, 201, JSON.stringify(stored.body));
    return callSid;
  }

  it("when another agent asks for a call's outcomes, then 403 with a Chinese message, nothing of the outcome, and the refused read is audited", async () => {
    const handler = await createAgent(runtime, { skills: ['cc-general'] });
    const callSid = await postalOutcome(handler, 'cc-general');
    const stranger = await createAgent(runtime, { skills: ['cc-general'] });
    const browser = client(url);
    await browser.login(stranger);
    const read = await browser.request('GET', `/api/calls/${callSid}/outcomes`);
    assert.equal(read.status, 403, JSON.stringify(read.body));
    assert.equal(read.body.error.code, 'forbidden');
    assert.match(read.body.error.message, /[\u4e00-\u9fff]/, 'a message for people, in Chinese');
    assert.ok(
      !JSON.stringify(read.body).includes('13904691234') &&
        !JSON.stringify(read.body).includes('新兴大街'),
      'no personal data in the refusal',
    );
    const audit = (await listAudit(runtime.database.db, callSid)).filter((row) =>
      row.action.startsWith('read-outcomes'),
    );
    assert.deepEqual(
      audit.map((row) => ({ actor: row.actorId, action: row.action, detail: row.detail })),
      [{ actor: stranger, action: 'read-outcomes', detail: { refused: 'not_your_call' } }],
    );
  });

  it('when the agent who handled the call or a supervisor reads, then 200 with the outcome, each read audited', async () => {
    const handler = await createAgent(runtime, { skills: ['cc-general'] });
    const callSid = await postalOutcome(handler, 'cc-general');
    const supervisor = await createAgent(runtime, { skills: [], role: 'supervisor' });
    for (const reader of [handler, supervisor]) {
      const browser = client(url);
      await browser.login(reader);
      const read = await browser.request('GET', `/api/calls/${callSid}/outcomes`);
      assert.equal(read.status, 200, `${reader}: ${JSON.stringify(read.body)}`);
      assert.equal(read.body.outcomes[0].details.delivery.phone, '13904691234');
    }
    const audit = (await listAudit(runtime.database.db, callSid)).filter(
      (row) => row.action === 'read-outcomes',
    );
    assert.deepEqual(
      audit.map((row) => [row.actorId, row.detail]),
      [
        [handler, {}],
        [supervisor, {}],
      ],
    );
  });

  it('when a call is transferred to a colleague who answers it, then the colleague reads its outcomes too', async () => {
    const first = await createAgent(runtime, { skills: ['cc-police'] });
    const colleague = await createAgent(runtime, { skills: ['cc-police'] });
    await runtime.routing.presence.setState(first, 'available');
    const call = await queueCall(runtime, { skill: 'cc-police' });
    await runtime.routing.acd.agentLegStatus(first, call.callSid, 'in-progress');
    await runtime.routing.transfer(first, call.callSid, { agent: colleague });
    await postSigned(url, await queueWaitPath(runtime, call.callSid), {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: call.callSid,
      QueueSid: 'QU22222222222222222222222222222222',
    });
    await runtime.routing.presence.setState(colleague, 'available');
    await runtime.routing.acd.agentLegStatus(colleague, call.callSid, 'in-progress');
    const browser = client(url);
    await browser.login(colleague);
    assert.equal(
      (
        await browser.request('POST', `/api/calls/${call.callSid}/outcomes/other`, {
          reason: 'complaint',
        })
      ).status,
      201,
    );
    const read = await browser.request('GET', `/api/calls/${call.callSid}/outcomes`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.outcomes.length, 1);
  });
});
