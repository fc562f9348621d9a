import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, maskIdNumber, maskPhone } from '../../src/platform/logger.js';

describe('logger', () => {
  it('when a phone or ID number is masked, then only the last digits remain', () => {
    assert.equal(maskPhone('+8613904691234'), '+86*******1234');
    assert.equal(maskPhone('04694221001'), '*******1001');
    assert.equal(maskIdNumber('230502199001011234'), '2305**********1234');
  });

  it('when a log line carries a known phone field or an ID number, then it is masked or redacted', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _enc, done) => (lines.push(String(chunk)), done()),
    });
    const logger = createLogger('info', sink);
    logger.info({ From: '+8613904691234', idNumber: '230502199001011234' }, 'call');
    const line = lines.join('');
    assert.ok(!line.includes('13904691234'), line);
    assert.ok(!line.includes('230502199001011234'), line);
    assert.ok(line.includes('1234'));
  });
});
