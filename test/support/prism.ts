import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './net.js';
import { requirePresent } from './required.js';

/** Twilio's own REST description, kept beside the project. */
export const TWILIO_OPENAPI = join(
  fileURLToPath(new URL('../../', import.meta.url)),
  '..',
  'shared',
  'twilio',
  'openapi',
  'twilio_api_v2010.json',
);
export const prismAvailable = requirePresent(
  TWILIO_OPENAPI,
  "Twilio's REST API description (../shared/twilio/openapi)",
  'place the shared/ folder beside the repository',
);

let started: Promise<string> | undefined;
let child: ChildProcess | undefined;

/**
 * A Prism mock of Twilio's REST API (from Twilio's OpenAPI description), started once per test
 * run: it answers like Twilio and rejects malformed requests (422) and missing auth (401).
 * Resolves to its base URL.
 */
export function startPrism(): Promise<string> {
  started ??= (async () => {
    const port = await freePort();
    const bin = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
    child = spawn(bin, ['mock', '-h', '127.0.0.1', '-p', String(port), TWILIO_OPENAPI], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Prism did not start within 60 s')), 60_000);
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Prism is listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Prism exited with ${code}: ${output.slice(-500)}`));
      });
    });
    child.stdout!.resume();
    child.stderr!.resume();
    return `http://127.0.0.1:${port}`;
  })();
  return started;
}

/** Stops Prism if this run started it. */
export function stopPrism(): void {
  child?.kill('SIGTERM');
  child = undefined;
  started = undefined;
}

/**
 * For a `before` hook: the Prism mock's base URL, or (outside CI only) the suite is skipped when
 * ../shared/twilio is absent on this machine.
 */
export async function prismOrSkip(context: Mocha.Context): Promise<string> {
  if (!prismAvailable) context.skip();
  return startPrism();
}
