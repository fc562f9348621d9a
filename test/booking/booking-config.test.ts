import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/platform/config.js';

describe('booking configuration', () => {
  const production = {
    NODE_ENV: 'production',
    TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'token',
    PUBLIC_BASE_URL: 'https://hotline.example.cn',
    TWILIO_API_KEY_SID: `SK${'1'.repeat(32)}`,
    TWILIO_API_KEY_SECRET: 'secret',
  };

  it('when NODE_ENV=production has no ID hash key, then start-up stops naming BOOKING_ID_HASH_KEY', () => {
    assert.throws(
      () => loadConfig(production),
      (error: Error) =>
        error instanceof ConfigError && error.message.includes('BOOKING_ID_HASH_KEY'),
    );
    assert.throws(
      () => loadConfig({ ...production, BOOKING_ID_HASH_KEY: 'short' }),
      /BOOKING_ID_HASH_KEY/,
    );
    assert.equal(
      loadConfig({ ...production, BOOKING_ID_HASH_KEY: 'k'.repeat(32) }).booking.idHashKey,
      'k'.repeat(32),
    );
  });

  it('when booking values are set, then they are parsed, and malformed ones are named', () => {
    const config = loadConfig({
      BOOKING_RELEASE_TIME: '07:30',
      BOOKING_NO_SHOW_RULE: '2/4/60/14',
      BOOKING_PHONE_SHARE: '0.25',
    });
    assert.equal(config.booking.releaseTime, '07:30');
    assert.deepEqual(config.booking.noShowRule, {
      warnAfter: 2,
      blockAfter: 4,
      windowDays: 60,
      blockDays: 14,
    });
    assert.equal(config.booking.phoneShare, 0.25);
    assert.throws(() => loadConfig({ BOOKING_RELEASE_TIME: '25:00' }), /BOOKING_RELEASE_TIME/);
    assert.throws(() => loadConfig({ BOOKING_NO_SHOW_RULE: 'three' }), /BOOKING_NO_SHOW_RULE/);
    assert.throws(() => loadConfig({ BOOKING_PHONE_SHARE: '2' }), /BOOKING_PHONE_SHARE/);
  });
});
