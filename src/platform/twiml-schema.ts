import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

/** Where Twilio's TwiML schema is kept beside the project (../shared/twilio/twiml-xsd). */
export const DEFAULT_TWIML_XSD_DIR = join(
  fileURLToPath(new URL('../../', import.meta.url)),
  '..',
  'shared',
  'twilio',
  'twiml-xsd',
);

export interface TwimlValidation {
  valid: boolean;
  errors: string[];
}

/** Validates TwiML against Twilio's own schema; null when the schema is not present on this machine. */
export type TwimlValidator = (xml: string) => Promise<TwimlValidation>;

/** Loads the schema once; returns null (and the caller says it skipped) when the folder is absent. */
export function createTwimlValidator(dir = DEFAULT_TWIML_XSD_DIR): TwimlValidator | null {
  const main = join(dir, 'twiml.xsd');
  if (!existsSync(main)) return null;
  const file = (fileName: string) => ({
    fileName,
    contents: new Uint8Array(readFileSync(join(dir, fileName))),
  });
  const schema = file('twiml.xsd');
  const preload = ['synthesis-nonamespace.xsd', 'twilio-extensions.xsd', 'xml.xsd'].map(file);
  return async (xml) => {
    const result = await validateXML({
      xml: [{ fileName: 'response.xml', contents: xml }],
      schema: [schema],
      preload,
    });
    return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage ?? String(e)) };
  };
}
