import assert from 'node:assert/strict';
import { createTwilioClient } from '../../src/platform/twilio-client.js';
import { prismOrSkip } from '../support/prism.js';
import { buildCallSid } from '../support/twilio.js';

const accountSid = 'AC00000000000000000000000000000000';

describe("Twilio REST client against Twilio's API description (Prism mock)", function () {
  this.timeout(90_000);
  let baseUrl: string;

  before(async function () {
    baseUrl = await prismOrSkip(this);
  });

  it('when an SMS is sent through TWILIO_API_BASE_URL, then the mock accepts it as Twilio would', async () => {
    const client = createTwilioClient({ accountSid, authToken: 'token', apiBaseUrl: baseUrl });
    const message = await client.messages.create({
      to: '+8613904691234',
      from: '+864694226101',
      body: '您的预约已确认',
    });
    assert.match(message.sid, /^SM/);
    assert.equal(message.status, 'queued');
  });

  it('when a queued caller is dequeued to new TwiML and a callback call is placed, then both requests conform', async () => {
    const client = createTwilioClient({ accountSid, authToken: 'token', apiBaseUrl: baseUrl });
    const member = await client
      .queues('QU00000000000000000000000000000000')
      .members(buildCallSid())
      .update({ url: 'https://hotline.example.test/twilio/voice/agents/connect', method: 'POST' });
    assert.ok(member.callSid);
    const call = await client.calls.create({
      to: '+8613904691234',
      from: '+864694226101',
      url: 'https://hotline.example.test/twilio/voice/callbacks/agent',
    });
    assert.match(call.sid, /^CA/);
  });

  it('when a request misses a required parameter, then the mock rejects it with 422', async () => {
    const client = createTwilioClient({ accountSid, authToken: 'token', apiBaseUrl: baseUrl });
    const response = await client.request({
      method: 'post',
      uri: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Calls.json`,
      data: { To: '+8613904691234' },
    });
    assert.equal(response.statusCode, 422);
  });

  it('when no base URL is configured, then requests go to api.twilio.com (the default client)', () => {
    const plain = createTwilioClient({ accountSid, authToken: 'token' });
    const mocked = createTwilioClient({ accountSid, authToken: 'token', apiBaseUrl: baseUrl });
    assert.equal(plain.httpClient?.constructor.name, 'RequestClient');
    assert.equal(mocked.httpClient?.constructor.name, 'BaseUrlRequestClient');
  });
});
