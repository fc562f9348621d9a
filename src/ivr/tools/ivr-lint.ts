import { parseArgs } from 'node:util';
import { CatalogueError, loadCatalogue } from '../../catalogue/index.js';
import { configOrExit } from '../../process.js';
import { lintVoice } from '../menu-lint.js';
import { readMenus } from '../menu-loader.js';

/**
 * `npm run ivr:lint [-- --dir <catalogue folder>]`: checks every menu (schema, references,
 * reachability, dead ends, prompts, keywords) and the Mandarin voice; lists every problem and
 * exits 1 when there is one.
 */
function main(): number {
  const { values } = parseArgs({ options: { dir: { type: 'string' } }, strict: true });
  const config = configOrExit();
  const dir = values.dir ?? config.catalogueDir;
  let catalogue;
  try {
    catalogue = loadCatalogue(dir);
  } catch (error) {
    if (!(error instanceof CatalogueError)) throw error;
    console.error(`ivr:lint: ${error.problems.length} problem(s) in the catalogue itself:\n  ${error.problems.join('\n  ')}`);
    return 1;
  }
  const { menus, problems } = readMenus(dir, catalogue);
  problems.push(...lintVoice(config.twilio.voice));
  if (problems.length > 0) {
    console.error(`ivr:lint: ${problems.length} problem(s) in ${dir}/menus:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  const nodes = [...menus.values()].reduce((sum, menu) => sum + Object.keys(menu.nodes).length, 0);
  console.log(`ivr:lint: ${menus.size} menus, ${nodes} nodes, ${catalogue.hotlines.length} hotlines: no problems (voice ${config.twilio.voice})`);
  return 0;
}

process.exit(main());
