import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTwimlValidator, DEFAULT_TWIML_XSD_DIR } from '../../src/platform/twiml-schema.js';
import { requirePresent } from './required.js';

/** Twilio's TwiML schema in ../shared/twilio (a missing one fails a CI run, and is skipped locally with a line saying so). */
export const TWIML_XSD_PRESENT = requirePresent(
  join(DEFAULT_TWIML_XSD_DIR, 'twiml.xsd'),
  "Twilio's TwiML schema (../shared/twilio/twiml-xsd)",
  'place the shared/ folder beside the repository',
);
const validator = TWIML_XSD_PRESENT ? createTwimlValidator() : null;

/** True when Twilio's schema is present and TwiML is checked against it. */
export const twimlSchemaPresent = validator !== null;

/** Asserts the TwiML is valid against Twilio's schema when ../shared/twilio is present; says so once when it is not. */
export async function expectValidTwiml(xml: string): Promise<void> {
  if (!validator) return;
  const result = await validator(xml);
  assert.deepEqual(result.errors, [], `TwiML invalid:\n${xml}`);
  assert.equal(result.valid, true);
}
