import assert from 'node:assert/strict';
import { ConfigError, DEV_AUTH_TOKEN, loadConfig } from '../../src/platform/config.js';

describe('config', () => {
  it('when nothing is set, then development defaults apply and are listed', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.publicBaseUrl, 'http://localhost:3000');
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.twilio.authToken, DEV_AUTH_TOKEN);
    assert.deepEqual(config.developmentDefaults, [
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
      'PUBLIC_BASE_URL',
    ]);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.twilio));
  });

  it('when NODE_ENV=production lacks Twilio credentials and the public URL, then start-up stops naming each', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      (error: Error) =>
        error instanceof ConfigError &&
        error.message.includes('TWILIO_ACCOUNT_SID') &&
        error.message.includes('TWILIO_AUTH_TOKEN') &&
        error.message.includes('PUBLIC_BASE_URL'),
    );
  });

  it('when no provider is configured outside production, then the built-in provider carries the calls; an account, a REST base URL or TELEPHONY_PROVIDER=twilio choose the provider; under production local is refused naming the variable', () => {
    assert.equal(loadConfig({}).telephonyProvider, 'local');
    assert.equal(loadConfig({ TELEPHONY_PROVIDER: '' }).telephonyProvider, 'local');
    assert.equal(
      loadConfig({ TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` }).telephonyProvider,
      'twilio',
    );
    assert.equal(
      loadConfig({ TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' }).telephonyProvider,
      'twilio',
    );
    assert.equal(loadConfig({ TELEPHONY_PROVIDER: 'twilio' }).telephonyProvider, 'twilio');
    assert.equal(
      loadConfig({ TELEPHONY_PROVIDER: 'local', TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` })
        .telephonyProvider,
      'local',
    );
    assert.throws(() => loadConfig({ TELEPHONY_PROVIDER: 'sandbox' }), /TELEPHONY_PROVIDER/);
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', TELEPHONY_PROVIDER: 'local' }),
      (error: Error) =>
        error instanceof ConfigError &&
        /TELEPHONY_PROVIDER: local .* not allowed when NODE_ENV=production/.test(error.message),
    );
  });

  it('when a value is malformed, then the message names the variable', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => loadConfig({ REDIS_URL: 'not a url' }), /REDIS_URL/);
    assert.throws(() => loadConfig({ TWILIO_ACCOUNT_SID: 'XY123' }), /TWILIO_ACCOUNT_SID/);
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  });

  it('when the public URL ends with a slash, then it is trimmed so signatures match path concatenation', () => {
    const config = loadConfig({
      PUBLIC_BASE_URL: 'https://hotline.example.cn/',
      TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/',
    });
    assert.equal(config.publicBaseUrl, 'https://hotline.example.cn');
    assert.equal(config.twilio.apiBaseUrl, 'http://127.0.0.1:4010');
  });

  it('when TELEPHONY_PROFILE is unset, then the Twilio profile applies; twiml-core turns off speech, queues, client dialing and conferences; another value names the variable', () => {
    assert.deepEqual(loadConfig({}).telephony, {
      name: 'twilio',
      speechInput: true,
      queues: true,
      clientDialing: true,
      dialLegCallbacks: true,
      dialExtras: true,
      conferences: true,
    });
    assert.deepEqual(loadConfig({ TELEPHONY_PROFILE: 'twiml-core' }).telephony, {
      name: 'twiml-core',
      speechInput: false,
      queues: false,
      clientDialing: false,
      dialLegCallbacks: false,
      dialExtras: false,
      conferences: false,
    });
    assert.ok(Object.isFrozen(loadConfig({ TELEPHONY_PROFILE: 'twiml-core' }).telephony));
    assert.throws(() => loadConfig({ TELEPHONY_PROFILE: 'somleng' }), /TELEPHONY_PROFILE/);
  });

  it('when NODE_ENV=production runs twiml-core, then no Voice SDK API key is asked for, while the Twilio profile still requires it', () => {
    const production = {
      NODE_ENV: 'production',
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'provider-token',
      PUBLIC_BASE_URL: 'https://hotline.example.cn',
      BOOKING_ID_HASH_KEY: 'k'.repeat(32),
    };
    const sip = {
      SIP_WS_URL: 'wss://sip.example.cn:7443',
      SIP_DOMAIN: 'hotline.sip.example.cn',
      SIP_CREDENTIALS_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    assert.equal(
      loadConfig({ ...production, ...sip, TELEPHONY_PROFILE: 'twiml-core' }).telephony
        .clientDialing,
      false,
    );
    assert.throws(
      () => loadConfig(production),
      (error: Error) =>
        error instanceof ConfigError &&
        error.message.includes('TWILIO_API_KEY_SID') &&
        error.message.includes('TWILIO_API_KEY_SECRET'),
    );
  });

  it('when NODE_ENV=production runs twiml-core without the SIP softphone settings, then start-up names each; a bad URL or key names its variable', () => {
    const production = {
      NODE_ENV: 'production',
      TELEPHONY_PROFILE: 'twiml-core',
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 't',
      PUBLIC_BASE_URL: 'https://hotline.example.cn',
      BOOKING_ID_HASH_KEY: 'k'.repeat(32),
    };
    assert.throws(
      () => loadConfig(production),
      (error: Error) =>
        error instanceof ConfigError &&
        ['SIP_WS_URL', 'SIP_DOMAIN', 'SIP_CREDENTIALS_KEY'].every((name) =>
          error.message.includes(`${name}: required when NODE_ENV=production`),
        ),
    );
    assert.throws(
      () => loadConfig({ SIP_WS_URL: 'https://sip.example.cn' }),
      /SIP_WS_URL: must be a wss:\/\/ or ws:\/\/ URL/,
    );
    assert.throws(
      () => loadConfig({ SIP_CREDENTIALS_KEY: Buffer.alloc(16).toString('base64') }),
      /SIP_CREDENTIALS_KEY: must be 32 bytes/,
    );
    assert.equal(
      loadConfig({ SIP_WS_URL: 'ws://127.0.0.1:5066' }).agents.sip.wsUrl,
      'ws://127.0.0.1:5066',
    );
  });
});
