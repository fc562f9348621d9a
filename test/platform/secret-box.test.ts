import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/platform/secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  it('when a secret is sealed, then the sealed text does not contain it, differs each time, and opens to it', () => {
    const box = createSecretBox(randomBytes(32));
    const first = box.seal('sip-password-1');
    assert.doesNotMatch(first, /sip-password-1/);
    assert.notEqual(box.seal('sip-password-1'), first, 'a fresh IV each time');
    assert.equal(box.open(first), 'sip-password-1');
  });

  it('when the sealed text is altered or opened with another key, then opening throws', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('sip-password-1');
    const [version, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    assert.throws(() => box.open([version, iv, tag, flipped.toString('base64url')].join('.')));
    assert.throws(() => createSecretBox(randomBytes(32)).open(sealed));
    assert.throws(() => createSecretBox(randomBytes(16)), /32-byte key/);
  });
});
