import { parseArgs } from 'node:util';
import { CatalogueError, loadCatalogue, PROMPT_PLACEHOLDERS } from '../../src/catalogue/index.js';
import { GuideError, loadGuides } from '../../src/guides/index.js';
import { configOrExit } from '../../src/process.js';
import { lintVoice, readMenus } from '../../src/ivr/index.js';

/**
 * `npm run ivr:lint [-- --dir <catalogue folder>] [--max-options <n>]`: checks the prompts file (every key the code
 * says is there, with exactly its placeholders), every menu (schema, references, reachability, dead ends, prompts,
 * keywords, options a level; under a keys-only profile no prompt asking for speech), the service guides (guides/*.yaml) and the Mandarin voice; lists every problem and exits 1 when there is one.
 */
function main(): number {
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, 'max-options': { type: 'string' } },
    strict: true,
  });
  const config = configOrExit();
  const dir = values.dir ?? config.catalogueDir;
  const maxOptions =
    values['max-options'] === undefined ? config.ivr.menuMaxOptions : Number(values['max-options']);
  if (!Number.isInteger(maxOptions) || maxOptions < 2) {
    console.error(
      `ivr:lint: --max-options must be a whole number of at least 2, not ${values['max-options']}`,
    );
    return 1;
  }
  let catalogue;
  try {
    catalogue = loadCatalogue(dir);
  } catch (error) {
    if (!(error instanceof CatalogueError)) throw error;
    console.error(
      `ivr:lint: ${error.problems.length} problem(s) in the catalogue itself:\n  ${error.problems.join('\n  ')}`,
    );
    return 1;
  }
  const { menus, problems } = readMenus(dir, catalogue, {
    maxOptions,
    speechInput: config.telephony.speechInput,
  });
  problems.push(...lintVoice(config.twilio.voice));
  let guides = 0;
  try {
    guides = loadGuides(dir, catalogue).size;
  } catch (error) {
    if (!(error instanceof GuideError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0) {
    console.error(
      `ivr:lint: ${problems.length} problem(s) in ${dir} (menus, guides):\n  ${problems.join('\n  ')}`,
    );
    return 1;
  }
  const nodes = [...menus.values()].reduce((sum, menu) => sum + Object.keys(menu.nodes).length, 0);
  console.log(
    `ivr:lint: ${Object.keys(PROMPT_PLACEHOLDERS).length} prompts, ${menus.size} menus, ${nodes} nodes, ${catalogue.hotlines.length} hotlines, ${guides} guides: no problems (voice ${config.twilio.voice}, at most ${maxOptions} options a menu${config.telephony.speechInput ? '' : `, keys only for TELEPHONY_PROFILE=${config.telephony.name}`})`,
  );
  return 0;
}

process.exit(main());
