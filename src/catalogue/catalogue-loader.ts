import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  commissionersFileSchema,
  hallsFileSchema,
  hotlinesFileSchema,
  priorityCallersFileSchema,
  type Commissioner,
  type Department,
  type Enterprise,
  type Hall,
  type Hotline,
  type PriorityCaller,
  type Service,
} from './catalogue-schemas.js';
import { checkPrompts, PROMPTS_FILE, type Prompts } from './prompts-loader.js';

/** Raised when the catalogue files are missing, unreadable or inconsistent; lists every problem. */
export class CatalogueError extends Error {
  override name = 'CatalogueError';
  constructor(readonly problems: readonly string[]) {
    super(`The catalogue is invalid:\n  ${problems.join('\n  ')}`);
  }
}

/** The validated catalogue, held in memory by every process; look-ups are map reads. */
export interface Catalogue {
  readonly halls: readonly Hall[];
  readonly hotlines: readonly Hotline[];
  readonly commissioners: readonly Commissioner[];
  readonly priorityCallers: readonly PriorityCaller[];
  /** Every sentence the service speaks outside the menus (prompts.yaml), checked at start. */
  readonly prompts: Prompts;
  hall(id: string): Hall | undefined;
  department(id: string): { department: Department; hall: Hall } | undefined;
  service(id: string): { service: Service; department: Department; hall: Hall } | undefined;
  hotline(number: string): Hotline | undefined;
  /** The enterprise registered with this phone number and its commissioner, if any. */
  enterpriseByPhone(phone: string): { enterprise: Enterprise; commissioner: Commissioner } | undefined;
  priorityCaller(phone: string): PriorityCaller | undefined;
}

function readYaml<T extends z.ZodType>(dir: string, file: string, schema: T, problems: string[], optional = false): z.infer<T> | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) {
    if (!optional) problems.push(`${file}: missing (looked in ${dir})`);
    return optional ? schema.parse({}) : undefined;
  }
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`${file}: not valid YAML: ${(error as Error).message}`);
    return undefined;
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${file}: ${issue.path.join('.')}: ${issue.message}`);
    return undefined;
  }
  return result.data;
}

/** Reads and validates catalogue/ (halls, hotlines, commissioners, priority callers, prompts). */
export function loadCatalogue(dir: string): Catalogue {
  const problems: string[] = [];
  const hallsFile = readYaml(dir, 'halls.yaml', hallsFileSchema, problems);
  const hotlinesFile = readYaml(dir, 'hotlines.yaml', hotlinesFileSchema, problems);
  const commissionersFile = readYaml(dir, 'commissioners.yaml', commissionersFileSchema, problems, true);
  const priorityFile = readYaml(dir, 'priority-callers.yaml', priorityCallersFileSchema, problems, true);
  const promptsFile = readYaml(dir, PROMPTS_FILE, z.unknown(), problems);
  const { prompts, problems: promptProblems } = promptsFile === undefined ? {} : checkPrompts(promptsFile);
  problems.push(...(promptProblems ?? []));
  if (problems.length > 0 || !hallsFile || !hotlinesFile || !commissionersFile || !priorityFile || !prompts) throw new CatalogueError(problems);
  return buildCatalogue(hallsFile.halls, hotlinesFile.hotlines, commissionersFile.commissioners, priorityFile.priorityCallers, prompts);
}

/** Cross-checks the parts and indexes them; throws {@link CatalogueError} on any broken reference. */
export function buildCatalogue(
  halls: Hall[],
  hotlines: Hotline[],
  commissioners: Commissioner[],
  priorityCallers: PriorityCaller[],
  prompts: Prompts,
): Catalogue {
  const problems: string[] = [];
  const hallById = new Map<string, Hall>();
  const departmentById = new Map<string, { department: Department; hall: Hall }>();
  const serviceById = new Map<string, { service: Service; department: Department; hall: Hall }>();
  for (const hall of halls) {
    if (hallById.has(hall.id)) problems.push(`halls.yaml: hall id ${hall.id} is used twice`);
    hallById.set(hall.id, hall);
    for (const department of hall.departments) {
      if (departmentById.has(department.id)) problems.push(`halls.yaml: department id ${department.id} is used twice`);
      departmentById.set(department.id, { department, hall });
      for (const service of department.services) {
        if (serviceById.has(service.id)) problems.push(`halls.yaml: service id ${service.id} is used twice`);
        if (service.bookable && service.windows < 1) problems.push(`halls.yaml: bookable service ${service.id} has no windows`);
        serviceById.set(service.id, { service, department, hall });
      }
    }
  }
  const hotlineByNumber = new Map<string, Hotline>();
  for (const hotline of hotlines) {
    if (hotlineByNumber.has(hotline.number)) problems.push(`hotlines.yaml: number ${hotline.number} is used twice`);
    hotlineByNumber.set(hotline.number, hotline);
    if (!hallById.has(hotline.hall)) problems.push(`hotlines.yaml: ${hotline.number}: unknown hall ${hotline.hall}`);
    const department = departmentById.get(hotline.department);
    if (!department) problems.push(`hotlines.yaml: ${hotline.number}: unknown department ${hotline.department}`);
    else if (department.hall.id !== hotline.hall) problems.push(`hotlines.yaml: ${hotline.number}: department ${hotline.department} is not in hall ${hotline.hall}`);
  }
  const enterpriseByPhone = new Map<string, { enterprise: Enterprise; commissioner: Commissioner }>();
  const enterpriseIds = new Set<string>();
  const commissionerIds = new Set<string>();
  for (const commissioner of commissioners) {
    if (commissionerIds.has(commissioner.id)) problems.push(`commissioners.yaml: id ${commissioner.id} is used twice`);
    commissionerIds.add(commissioner.id);
    if (!departmentById.has(commissioner.department)) problems.push(`commissioners.yaml: ${commissioner.id}: unknown department ${commissioner.department}`);
    for (const enterprise of commissioner.enterprises) {
      if (enterpriseIds.has(enterprise.id)) problems.push(`commissioners.yaml: enterprise id ${enterprise.id} is used twice`);
      enterpriseIds.add(enterprise.id);
      for (const phone of enterprise.phones) enterpriseByPhone.set(phone, { enterprise, commissioner });
    }
  }
  const priorityByPhone = new Map(priorityCallers.map((caller) => [caller.phone, caller]));
  if (problems.length > 0) throw new CatalogueError(problems);
  return Object.freeze({
    halls,
    hotlines,
    commissioners,
    priorityCallers,
    prompts,
    hall: (id: string) => hallById.get(id),
    department: (id: string) => departmentById.get(id),
    service: (id: string) => serviceById.get(id),
    hotline: (number: string) => hotlineByNumber.get(number),
    enterpriseByPhone: (phone: string) => enterpriseByPhone.get(phone),
    priorityCaller: (phone: string) => priorityByPhone.get(phone),
  });
}
