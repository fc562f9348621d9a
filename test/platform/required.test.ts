import assert from 'node:assert/strict';
import { requirePresent } from '../support/required.js';

describe('what the tests need from outside the repository', () => {
  it('when a needed file is missing under CI, then the run fails saying what is missing and how to get it', () => {
    assert.throws(
      () =>
        requirePresent(
          '/nonexistent/twiml.xsd',
          "Twilio's TwiML schema",
          'place the shared/ folder beside the repository',
          true,
        ),
      /CI cannot skip: Twilio's TwiML schema is missing \(\/nonexistent\/twiml\.xsd\): place the shared\/ folder/,
    );
  });

  it('when a needed file is missing outside CI, then its checks are skipped with one visible line, once', () => {
    const lines: string[] = [];
    const warn = console.warn;
    console.warn = (line: string) => lines.push(line);
    try {
      assert.equal(
        requirePresent(
          '/nonexistent/chromium',
          "Debian's Chromium",
          'apt-get install chromium',
          false,
        ),
        false,
      );
      assert.equal(
        requirePresent(
          '/nonexistent/chromium',
          "Debian's Chromium",
          'apt-get install chromium',
          false,
        ),
        false,
      );
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(lines, [
      "    (skipped: Debian's Chromium is missing (/nonexistent/chromium): apt-get install chromium)",
    ]);
  });

  it('when the file is there, then nothing is said', () => {
    assert.equal(requirePresent('package.json', 'the package file', 'n/a', true), true);
  });
});
