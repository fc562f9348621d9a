export { loadCatalogue, buildCatalogue, CatalogueError, type Catalogue } from './catalogue-loader.js';
export { syncCatalogue, type SyncCounts } from './catalogue-sync.js';
export { createCatalogueRoutes, type PublicHotline } from './catalogue-routes.js';
export { e164Mainland } from './catalogue-schemas.js';
export type { Hall, Hotline, Department, Service, Session, Commissioner, Enterprise, PriorityCaller } from './catalogue-schemas.js';
export { checkPrompts, placeholdersOf, PROMPTS_FILE, type Prompts } from './prompts-loader.js';
export { PROMPT_PLACEHOLDERS, type PromptKey } from './prompt-keys.js';
export { queueName } from './queue-names.js';
