import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Catalogue } from '../catalogue/index.js';
import { z } from 'zod';
import { guideSchema, type Guide } from './guides-schemas.js';

const fileShape = z.strictObject({ guides: z.array(z.unknown()).min(1) });

/** Where the guides lie, inside the catalogue folder. */
export const GUIDES_DIR = 'guides';

/** Raised when a guide file is missing, unreadable or wrong; names every file and field. */
export class GuideError extends Error {
  override name = 'GuideError';
  constructor(readonly problems: readonly string[]) {
    super(`The service guides are invalid:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Checks a guide against the catalogue: a known service, `phone` among its ways when the
 * catalogue completes it by phone, `post` when it is handled by post. Returns the problems.
 */
export function crossCheckGuide(guide: Guide, catalogue: Catalogue): string[] {
  const place = catalogue.service(guide.service);
  if (!place) return [`service: no service ${guide.service} in halls.yaml`];
  const problems: string[] = [];
  if (place.service.byPhone && !guide.ways.includes('phone'))
    problems.push(
      'ways: the catalogue completes this service by phone, so ways must include phone',
    );
  if (place.service.postal && !guide.ways.includes('post'))
    problems.push('ways: the catalogue handles this service by post, so ways must include post');
  return problems;
}

/**
 * Reads catalogue/guides/*.yaml: one guide for every service of the catalogue, each valid;
 * throws {@link GuideError} naming file and field otherwise (start-up and release stop there).
 */
export function loadGuides(catalogueDir: string, catalogue: Catalogue): ReadonlyMap<string, Guide> {
  const dir = join(catalogueDir, GUIDES_DIR);
  const problems: string[] = [];
  const guides = new Map<string, Guide>();
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
    : [];
  if (files.length === 0) problems.push(`${GUIDES_DIR}/: no guide files (looked in ${dir})`);
  for (const file of files) {
    const name = `${GUIDES_DIR}/${file}`;
    let raw: unknown;
    try {
      raw = parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(`${name}: not valid YAML: ${(error as Error).message}`);
      continue;
    }
    const shape = fileShape.safeParse(raw);
    if (!shape.success) {
      for (const issue of shape.error.issues)
        problems.push(`${name}: ${issue.path.join('.')}: ${issue.message}`);
      continue;
    }
    // Each entry on its own, so that one broken guide does not hide the file's others.
    shape.data.guides.forEach((entry, index) => {
      const result = guideSchema.safeParse(entry);
      if (!result.success) {
        for (const issue of result.error.issues)
          problems.push(`${name}: ${['guides', index, ...issue.path].join('.')}: ${issue.message}`);
        return;
      }
      const guide = result.data;
      const at = `${name}: guides.${index} (${guide.service})`;
      if (guides.has(guide.service))
        problems.push(`${at}: service: a second guide for ${guide.service}`);
      for (const problem of crossCheckGuide(guide, catalogue)) problems.push(`${at}: ${problem}`);
      guides.set(guide.service, guide);
    });
  }
  for (const hall of catalogue.halls) {
    for (const department of hall.departments) {
      for (const service of department.services)
        if (!guides.has(service.id))
          problems.push(`${GUIDES_DIR}/: no guide for service ${service.id} (${service.name})`);
    }
  }
  if (problems.length > 0) throw new GuideError(problems);
  return guides;
}
