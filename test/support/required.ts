import { existsSync } from 'node:fs';

/** True in CI (`CI=true`): there, nothing a test needs may be missing. */
export const inCi = /^(1|true|yes)$/i.test(process.env.CI ?? '');

const said = new Set<string>();

/**
 * Whether `path` (a file the tests need from outside the repository: Twilio's schema and API
 * description in ../shared, Debian's Chromium, a CJK font) is present. In CI a missing one
 * throws, so the run fails saying what is missing and how to get it; locally the checks that
 * need it are skipped and one visible line says so.
 */
export function requirePresent(path: string, what: string, howToGet: string, ci = inCi): boolean {
  if (existsSync(path)) return true;
  const message = `${what} is missing (${path}): ${howToGet}`;
  if (ci) throw new Error(`CI cannot skip: ${message}`);
  if (!said.has(path)) console.warn(`    (skipped: ${message})`);
  said.add(path);
  return false;
}
