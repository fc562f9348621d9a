import assert from 'node:assert/strict';
import { RECORDINGS_EXPIRE_AT } from '../../src/recordings/index.js';
import { connectAgentTwiml } from '../../src/routing/routing-twiml.js';
import { startJobs } from '../../src/jobs.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { randomHex } from '../support/random.js';
import { postSigned } from '../support/twilio.js';
import { expectValidTwiml } from '../support/twiml.js';
import {
  client,
  closeRoutingRuntimes,
  createAgent,
  eventually,
  queueCall,
  routingRuntime,
  serveRouting,
  startTwilioMock,
  type TwilioMock,
} from './agents-support.js';

describe('call recordings', function () {
  this.timeout(30_000);
  let mock: TwilioMock;
  let runtime: Runtime;
  let url: string;
  const clock = createFixedClock('2026-03-02T02:00:00Z');

  before(async () => {
    mock = await startTwilioMock();
    runtime = await routingRuntime(mock, clock);
    url = await serveRouting(runtime);
  });
  after(async () => {
    await closeRoutingRuntimes();
    await mock?.close();
  });

  it('when Twilio reports a finished recording, then a supervisor lists and plays it from the call (each play audited), an agent may not, and it is deleted at Twilio after the retention', async () => {
    const agent = await createAgent(runtime, { skills: ['cc-fund'] });
    const supervisor = await createAgent(runtime, { skills: ['cc-fund'], role: 'supervisor' });
    const { callSid } = await queueCall(runtime, { skill: 'cc-fund', notify: false });
    const connect = connectAgentTwiml(
      runtime.routing.urls,
      agent,
      callSid,
      { client: agent },
      20,
      3600,
      0,
      runtime.config.telephony,
    ).toString();
    await expectValidTwiml(connect);
    assert.match(
      connect,
      /record="record-from-answer-dual"[^>]*recordingStatusCallback="[^"]*\/agents\/recording-status\?call=/,
    );

    const recordingSid = `RE${randomHex(16)}`;
    const params = {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: callSid,
      RecordingSid: recordingSid,
      RecordingStatus: 'completed',
      RecordingDuration: '42',
      RecordingChannels: '2',
      RecordingStartTime: 'Mon, 02 Mar 2026 02:00:00 +0000',
    };
    for (let i = 0; i < 2; i += 1)
      assert.equal(
        (await postSigned(url, `/twilio/voice/agents/recording-status?call=${callSid}`, params))
          .status,
        204,
      );

    const asAgent = client(url);
    await asAgent.login(agent);
    assert.equal(
      (await asAgent.request('GET', `/api/supervisor/recordings/${recordingSid}/audio`)).status,
      403,
    );
    const asSupervisor = client(url);
    await asSupervisor.login(supervisor);
    const listed = await asSupervisor.request('GET', `/api/supervisor/calls/${callSid}/recordings`);
    assert.deepEqual(listed.body.recordings, [
      { recordingSid, durationSeconds: 42, channels: 2, playable: true },
    ]);
    const audio = await fetch(`${url}/api/supervisor/recordings/${recordingSid}/audio`, {
      headers: { cookie: asSupervisor.cookie },
    });
    assert.equal(audio.status, 200);
    assert.equal(audio.headers.get('content-type'), 'audio/mpeg');
    const audit = await runtime.database.db.execute(
      `select actor_id from audit_log where subject = '${callSid}' and action = 'play-recording'` as never,
    );
    assert.deepEqual(
      (audit as unknown as Array<{ actor_id: string }>).map((r) => r.actor_id),
      [supervisor],
    );

    assert.equal(await runtime.recordings.deleteExpired(180), 0, 'a fresh recording is kept');
    clock.advance(181 * 86_400_000);
    assert.equal(await runtime.recordings.deleteExpired(180), 1);
    assert.ok(
      mock.requests.some(
        (r) => r.method === 'DELETE' && r.path.endsWith(`/Recordings/${recordingSid}.json`),
      ),
    );
    const after = await asSupervisor.request('GET', `/api/supervisor/calls/${callSid}/recordings`);
    assert.equal(after.body.recordings[0].playable, false);
  });

  it('when the worker runs, then it schedules the expiry daily at 03:30 Beijing time, and the job deletes at Twilio only the recordings older than the retention on the injected clock', async () => {
    const recordingStatus = (callSid: string, recordingSid: string) =>
      postSigned(url, `/twilio/voice/agents/recording-status?call=${callSid}`, {
        AccountSid: 'AC00000000000000000000000000000000',
        CallSid: callSid,
        RecordingSid: recordingSid,
        RecordingStatus: 'completed',
        RecordingDuration: '30',
        RecordingChannels: '2',
      });
    const old = {
      callSid: (await queueCall(runtime, { skill: 'cc-fund', notify: false })).callSid,
      recordingSid: `RE${randomHex(16)}`,
    };
    assert.equal((await recordingStatus(old.callSid, old.recordingSid)).status, 204);
    clock.advance(179 * 86_400_000);
    const recent = {
      callSid: (await queueCall(runtime, { skill: 'cc-fund', notify: false })).callSid,
      recordingSid: `RE${randomHex(16)}`,
    };
    assert.equal((await recordingStatus(recent.callSid, recent.recordingSid)).status, 204);
    clock.advance(2 * 86_400_000);

    const jobs = await startJobs(runtime);
    try {
      const [scheduler] = await runtime.queues.get('recordings-expire').getJobSchedulers();
      assert.equal(
        scheduler?.pattern,
        `${RECORDINGS_EXPIRE_AT.minute} ${RECORDINGS_EXPIRE_AT.hour} * * *`,
      );
      assert.equal(scheduler?.tz, 'Asia/Shanghai');
      await runtime.queues.add('recordings-expire', {}, { jobId: 'recordings-expire-test' });
      await eventually(
        async () =>
          mock.requests.some(
            (r) => r.method === 'DELETE' && r.path.endsWith(`/Recordings/${old.recordingSid}.json`),
          ),
        'the old recording deleted at Twilio',
      );
      const job = await eventually(async () => {
        const found = await runtime.queues
          .get('recordings-expire')
          .getJob('recordings-expire-test');
        return found?.finishedOn ? found : undefined;
      }, 'the expiry job to finish');
      assert.deepEqual(job.returnvalue, { deleted: 1 });
    } finally {
      await jobs.close();
    }
    assert.ok(
      !mock.requests.some(
        (r) => r.method === 'DELETE' && r.path.endsWith(`/Recordings/${recent.recordingSid}.json`),
      ),
      'a recording 2 days old is kept',
    );
    const [oldRow] = await runtime.recordings.list(old.callSid);
    const [recentRow] = await runtime.recordings.list(recent.callSid);
    assert.ok(oldRow?.deletedAt);
    assert.equal(recentRow?.deletedAt, null);
  });
});
