import assert from 'node:assert/strict';
import { createTwimlValidator } from '../../src/platform/twiml-schema.js';

const validator = createTwimlValidator();
let warned = false;

/** True when Twilio's schema is present and TwiML is checked against it. */
export const twimlSchemaPresent = validator !== null;

/** Asserts the TwiML is valid against Twilio's schema when ../shared/twilio is present; says so once when it is not. */
export async function expectValidTwiml(xml: string): Promise<void> {
  if (!validator) {
    if (!warned) console.warn('    (../shared/twilio/twiml-xsd is absent: TwiML schema checks skipped)');
    warned = true;
    return;
  }
  const result = await validator(xml);
  assert.deepEqual(result.errors, [], `TwiML invalid:\n${xml}`);
  assert.equal(result.valid, true);
}
