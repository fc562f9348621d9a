import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { loadCatalogue } from '../../src/catalogue/index.js';
import { lintVoice, readMenus } from '../../src/ivr/index.js';
import { testConfig } from '../support/env.js';

const run = promisify(execFile);
const catalogueDir = testConfig().catalogueDir;

/** A copy of the shipped catalogue with citizen-centre's menu changed by `edit`. */
function brokenCatalogue(edit: (menu: { nodes: Record<string, Record<string, unknown>> }) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivr-lint-'));
  cpSync(catalogueDir, dir, { recursive: true });
  const file = join(dir, 'menus', 'citizen-centre.yaml');
  const menu = parse(readFileSync(file, 'utf8')) as { nodes: Record<string, Record<string, unknown>> };
  edit(menu);
  writeFileSync(file, stringify(menu));
  return dir;
}

describe('ivr:lint', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('when the shipped catalogue is linted, then every menu passes with the configured voice', () => {
    const { menus, problems } = readMenus(catalogueDir, loadCatalogue(catalogueDir));
    assert.deepEqual(problems, []);
    assert.ok(menus.size >= 12);
    assert.deepEqual(lintVoice(testConfig().twilio.voice), []);
  });

  it('when an option goes to a missing node or a key is mapped twice, then both are listed by file and node', () => {
    const dir = brokenCatalogue((menu) => {
      const main = menu.nodes.main as { options: Array<{ key: string; label: string; next: string }> };
      main.options[0]!.next = 'no-such-node';
      main.options.push({ key: '#', label: '再见', next: 'bye' });
    });
    dirs.push(dir);
    const text = readMenus(dir, loadCatalogue(dir)).problems.join('\n');
    assert.match(text, /menus\/citizen-centre\.yaml: node main: option 1 goes to missing node no-such-node/);
    assert.match(text, /menus\/citizen-centre\.yaml: node main: key # is mapped twice/);
  });

  it('when references are right but the menu has lint problems, then unreachable nodes, silent loops, unannounced keys, shared and reserved keywords are listed', () => {
    const dir = brokenCatalogue((menu) => {
      const main = menu.nodes.main as { options: Array<{ keywords: string[] }> };
      main.options[1]!.keywords.push('预约');
      main.options[2]!.keywords.push('人工');
      menu.nodes.orphan = { kind: 'hangup', prompt: '再见。' };
      menu.nodes['loop-a'] = { kind: 'info', prompt: '甲', next: 'loop-b' };
      menu.nodes['loop-b'] = { kind: 'info', prompt: '乙', next: 'loop-a' };
      const more = menu.nodes['more-menu'] as { prompt: string; options: Array<{ next: string }> };
      more.options[0]!.next = 'loop-a';
      more.prompt = '了解办公时间和地址请按2；了解进厅防疫须知请按3。';
    });
    dirs.push(dir);
    const { problems } = readMenus(dir, loadCatalogue(dir));
    const text = problems.join('\n');
    assert.match(text, /node orphan is not reachable from main/);
    assert.match(text, /node self-service is not reachable/);
    assert.match(text, /node loop-a: information nodes loop \(loop-a -> loop-b\) without ever asking for input/);
    assert.match(text, /node more-menu: option 1 \(自助服务终端\) is not announced in the prompt/);
    assert.match(text, /node main: keyword 预约 belongs to both option 1 and option 2/);
    assert.match(text, /node main: option 3 uses the reserved word 人工/);
  });

  it('when the voice is not a Mandarin voice, then lint says which voices to use', () => {
    assert.match(lintVoice('Polly.Joanna')[0]!, /TWILIO_VOICE: Polly\.Joanna is not a Mandarin/);
    assert.deepEqual(lintVoice('Google.cmn-CN-Wavenet-A'), []);
  });

  it('when npm run ivr:lint runs on a broken catalogue, then it exits 1 and lists the problems; on the shipped one it exits 0', async function () {
    this.timeout(30_000);
    const dir = brokenCatalogue((menu) => {
      menu.nodes.orphan = { kind: 'hangup', prompt: '再见。' };
    });
    dirs.push(dir);
    const failed = await run('npx', ['tsx', 'src/ivr/tools/ivr-lint.ts', '--dir', dir]).then(
      () => assert.fail('ivr:lint passed a broken menu'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /ivr:lint: 1 problem\(s\)/);
    assert.match(failed.stderr, /menus\/citizen-centre\.yaml: node orphan is not reachable from main/);
    const passed = await run('npx', ['tsx', 'src/ivr/tools/ivr-lint.ts']);
    assert.match(passed.stdout, /no problems/);
  });
});
