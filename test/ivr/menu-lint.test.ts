import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { CatalogueError, loadCatalogue, PROMPT_PLACEHOLDERS } from '../../src/catalogue/index.js';
import { DEFAULT_MENU_MAX_OPTIONS, lintVoice, readMenus } from '../../src/ivr/index.js';
import { testConfig } from '../support/env.js';

const run = promisify(execFile);
const catalogueDir = testConfig().catalogueDir;

/** A copy of the shipped catalogue with citizen-centre's menu changed by `edit`. */
function brokenCatalogue(
  edit: (menu: { nodes: Record<string, Record<string, unknown>> }) => void,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivr-lint-'));
  cpSync(catalogueDir, dir, { recursive: true });
  const file = join(dir, 'menus', 'citizen-centre.yaml');
  const menu = parse(readFileSync(file, 'utf8')) as {
    nodes: Record<string, Record<string, unknown>>;
  };
  edit(menu);
  writeFileSync(file, stringify(menu));
  return dir;
}

/** A copy of the shipped catalogue with prompts.yaml changed by `edit`. */
function editedPrompts(edit: (prompts: Record<string, Record<string, unknown>>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'ivr-lint-'));
  cpSync(catalogueDir, dir, { recursive: true });
  const file = join(dir, 'prompts.yaml');
  const prompts = parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  edit(prompts);
  writeFileSync(file, stringify(prompts));
  return dir;
}

/** The problems loading a catalogue reports, one a line ('' when it loads). */
function catalogueProblems(dir: string): string {
  try {
    loadCatalogue(dir);
    return '';
  } catch (error) {
    if (!(error instanceof CatalogueError)) throw error;
    return error.problems.join('\n');
  }
}

/** Every `.ts` file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
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
      const main = menu.nodes.main as {
        options: Array<{ key: string; label: string; next: string }>;
      };
      main.options[0]!.next = 'no-such-node';
      main.options.push({ key: '5', label: '再见', next: 'bye' });
    });
    dirs.push(dir);
    const text = readMenus(dir, loadCatalogue(dir)).problems.join('\n');
    assert.match(
      text,
      /menus\/citizen-centre\.yaml: node main: option 1 goes to missing node no-such-node/,
    );
    assert.match(text, /menus\/citizen-centre\.yaml: node main: key 5 is mapped twice/);
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
      menu.nodes['green-intro'] = {
        kind: 'info',
        prompt: '紧急绿色通道提供帮办代办服务。现在为您优先转接，请稍候。',
        next: 'green',
      };
    });
    dirs.push(dir);
    const { problems } = readMenus(dir, loadCatalogue(dir));
    const text = problems.join('\n');
    assert.match(text, /node orphan is not reachable from main/);
    assert.match(text, /node postal is not reachable/);
    assert.match(
      text,
      /node loop-a: information nodes loop \(loop-a -> loop-b\) without ever asking for input/,
    );
    assert.match(text, /node more-menu: option 1 \(邮寄办理\) is not announced in the prompt/);
    assert.match(text, /node main: keyword 预约 belongs to both option 1 and option 2/);
    assert.match(text, /node main: option 3 uses the reserved word 人工/);
    assert.match(
      text,
      /node green-intro: an information node promises a transfer \(为您优先转接\); put it in the queue node's prompt/,
    );
  });

  describe('options a level', () => {
    /** A draft whose main menu offers `count` options (keys 1.., then #), each announced and going to an existing node. */
    const draftWith = (count: number) =>
      brokenCatalogue((menu) => {
        const main = menu.nodes.main as {
          prompt: string;
          options: Array<{ key: string; label: string; keywords: string[]; next: string }>;
        };
        const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '#'].slice(0, count);
        const targets = main.options.map((o) => o.next);
        main.options = keys.map((key, i) => ({
          key,
          label: `选项${key === '#' ? '井' : key}`,
          keywords: [],
          next: targets[i % targets.length]!,
        }));
        main.prompt = `${keys.map((key) => `选项请按${key === '#' ? '#号键' : key}`).join('；')}。`;
      });

    it('when the shipped catalogue is linted, then no menu offers more than 6 options', () => {
      const { menus } = readMenus(catalogueDir, loadCatalogue(catalogueDir));
      for (const menu of menus.values()) {
        for (const [id, node] of Object.entries(menu.nodes))
          if (node.kind === 'menu')
            assert.ok(
              node.options.length <= DEFAULT_MENU_MAX_OPTIONS,
              `${menu.id} ${id}: ${node.options.length}`,
            );
      }
    });

    it('when a draft menu offers 8 options, then lint fails naming the node and the limit; with the limit set to 8 it passes', () => {
      const dir = draftWith(8);
      dirs.push(dir);
      const text = readMenus(dir, loadCatalogue(dir)).problems.join('\n');
      assert.match(
        text,
        /menus\/citizen-centre\.yaml: node main: 8 options, more than 6 \(IVR_MENU_MAX_OPTIONS\)/,
      );
      assert.doesNotMatch(
        readMenus(dir, loadCatalogue(dir), { maxOptions: 8 }).problems.join('\n'),
        /options, more than/,
      );
    });

    it('when a menu offers 6 options of its own, then the 9, * and 0 the IVR adds are not counted', () => {
      const dir = draftWith(6);
      dirs.push(dir);
      assert.doesNotMatch(
        readMenus(dir, loadCatalogue(dir)).problems.join('\n'),
        /options, more than/,
      );
      assert.match(
        readMenus(dir, loadCatalogue(dir), { maxOptions: 5 }).problems.join('\n'),
        /node main: 6 options, more than 5/,
      );
    });

    it('when npm run ivr:lint runs on the 8-option draft, then it exits 1; with --max-options 8 it exits 0', async function () {
      this.timeout(90_000);
      const dir = draftWith(8);
      dirs.push(dir);
      const failed = await run('npx', ['tsx', 'tools/caller/ivr-lint.ts', '--dir', dir]).then(
        () => assert.fail('ivr:lint passed an 8-option menu'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /node main: 8 options, more than 6/);
      const passed = await run('npx', [
        'tsx',
        'tools/caller/ivr-lint.ts',
        '--dir',
        dir,
        '--max-options',
        '8',
      ]);
      assert.match(passed.stdout, /no problems .*at most 8 options a menu/);
    });
  });

  describe('prompts', () => {
    it('when a prompt the code says is missing, then loading the catalogue fails naming the key and its placeholders', () => {
      const dir = editedPrompts((prompts) => {
        delete (prompts.booking!.day as Record<string, string>).prompt;
      });
      dirs.push(dir);
      assert.match(
        catalogueProblems(dir),
        /prompts\.yaml: prompt booking\.day\.prompt is missing \(its placeholders: \{options\} \{more\}\)/,
      );
    });

    it('when a prompt uses an unknown placeholder, leaves one out or has a stray key, then each is named by key', () => {
      const dir = editedPrompts((prompts) => {
        (prompts.booking!.day as Record<string, string>).prompt =
          '请选择日期。{dates}；{more}转人工服务请按0。';
        (prompts.ivr!.closed as Record<string, string>).next = '下次办公时间是{when}，{hall}见。';
        (prompts.lookup!.cancel as Record<string, string>).done = '已为您取消预约。';
        (prompts as Record<string, unknown>).goodbye = '感谢您的来电，再见。{';
        (prompts.queue as Record<string, string>).nxet = '您是下一位。';
      });
      dirs.push(dir);
      const text = catalogueProblems(dir);
      assert.match(
        text,
        /prompts\.yaml: prompt booking\.day\.prompt: unknown placeholder \{dates\} \(it may use \{options\} \{more\}\)/,
      );
      assert.match(
        text,
        /prompts\.yaml: prompt booking\.day\.prompt: placeholder \{options\} is missing/,
      );
      assert.match(text, /prompts\.yaml: prompt ivr\.closed\.next: unknown placeholder \{hall\}/);
      assert.match(
        text,
        /prompts\.yaml: prompt lookup\.cancel\.done: placeholder \{booking\} is missing/,
      );
      assert.match(text, /prompts\.yaml: prompt goodbye: a brace without its pair/);
      assert.match(text, /prompts\.yaml: prompt queue\.nxet is not used by the service/);
    });

    it('when a menu prompt has a placeholder, then lint says a menu prompt is said as written', () => {
      const dir = brokenCatalogue((menu) => {
        (menu.nodes.main as { prompt: string }).prompt += '今天是{date}。';
      });
      dirs.push(dir);
      assert.match(
        readMenus(dir, loadCatalogue(dir)).problems.join('\n'),
        /menus\/citizen-centre\.yaml: node main: the prompt has \{date\}, but a menu prompt is said as written/,
      );
    });

    it('when the code is read, then every prompt key it says is in the prompts file and every key of the file is said somewhere', () => {
      const said = new Set(
        sourceFiles('src').flatMap((file) =>
          [...readFileSync(file, 'utf8').matchAll(/prompts\.say\(\s*'([^']+)'/g)].map((m) => m[1]!),
        ),
      );
      const known = Object.keys(PROMPT_PLACEHOLDERS);
      assert.deepEqual(
        [...said].filter((key) => !known.includes(key)),
        [],
      );
      assert.deepEqual(
        known.filter((key) => !said.has(key)),
        [],
      );
      assert.equal(catalogueProblems(catalogueDir), '');
    });

    it('when npm run ivr:lint runs on a prompts file with a bad placeholder, then it exits 1 naming the key', async function () {
      this.timeout(90_000);
      const dir = editedPrompts((prompts) => {
        (prompts.queue as Record<string, string>).ahead =
          '您前面还有{position}位来电者，预计等待约{minutes}分钟，请不要挂机。';
      });
      dirs.push(dir);
      const failed = await run('npx', ['tsx', 'tools/caller/ivr-lint.ts', '--dir', dir]).then(
        () => assert.fail('ivr:lint passed a bad placeholder'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failed.code, 1);
      assert.match(
        failed.stderr,
        /prompts\.yaml: prompt queue\.ahead: unknown placeholder \{position\}/,
      );
      assert.match(
        failed.stderr,
        /prompts\.yaml: prompt queue\.ahead: placeholder \{ahead\} is missing/,
      );
    });
  });

  describe('a keys-only profile (TELEPHONY_PROFILE=twiml-core)', () => {
    const askForSpeech = () => {
      const dir = brokenCatalogue((menu) => {
        menu.nodes.main!.prompt = `您也可以直接说出要办理的业务。${String(menu.nodes.main!.prompt)}`;
      });
      const file = join(dir, 'prompts.yaml');
      const prompts = parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
      (prompts.queue as Record<string, string>).keepWaiting =
        '好的，请继续等待；需要回电请说回电。';
      writeFileSync(file, stringify(prompts));
      return dir;
    };

    it('when the shipped catalogue is linted for keys only, then no menu or prompt asks the caller to speak', () => {
      assert.deepEqual(
        readMenus(catalogueDir, loadCatalogue(catalogueDir), { speechInput: false }).problems,
        [],
      );
    });

    it('when a menu prompt or a prompts.yaml sentence asks the caller to speak, then keys-only lint names each, and the Twilio profile lets them be', () => {
      const dir = askForSpeech();
      dirs.push(dir);
      const catalogue = loadCatalogue(dir);
      const problems = readMenus(dir, catalogue, { speechInput: false }).problems;
      assert.deepEqual(problems, [
        'menus/citizen-centre.yaml: node main: the prompt asks the caller to speak (直接说出…), but the telephony profile takes keys only (TELEPHONY_PROFILE=twiml-core); word it as 请按…',
        'prompts.yaml: prompt queue.keepWaiting: the prompt asks the caller to speak (请说…), but the telephony profile takes keys only (TELEPHONY_PROFILE=twiml-core); word it as 请按…',
      ]);
      assert.deepEqual(readMenus(dir, catalogue).problems, []);
    });

    it('when npm run ivr:lint runs with TELEPHONY_PROFILE=twiml-core, then the shipped catalogue passes as keys only and a draft asking for speech exits 1', async function () {
      this.timeout(90_000);
      const dir = askForSpeech();
      dirs.push(dir);
      const env = { ...process.env, TELEPHONY_PROFILE: 'twiml-core' };
      const passed = await run('npx', ['tsx', 'tools/caller/ivr-lint.ts'], { env });
      assert.match(passed.stdout, /no problems .*keys only for TELEPHONY_PROFILE=twiml-core/);
      const failed = await run('npx', ['tsx', 'tools/caller/ivr-lint.ts', '--dir', dir], {
        env,
      }).then(
        () => assert.fail('ivr:lint passed a prompt asking for speech'),
        (error: { code: number; stderr: string }) => error,
      );
      assert.equal(failed.code, 1);
      assert.match(failed.stderr, /ivr:lint: 2 problem\(s\)/);
      assert.match(failed.stderr, /node main: the prompt asks the caller to speak/);
    });
  });

  it('when the voice is not a Mandarin voice, then lint says which voices to use', () => {
    assert.match(lintVoice('Polly.Joanna')[0]!, /TWILIO_VOICE: Polly\.Joanna is not a Mandarin/);
    assert.deepEqual(lintVoice('Google.cmn-CN-Wavenet-A'), []);
  });

  it('when npm run ivr:lint runs on a broken catalogue, then it exits 1 and lists the problems; on the shipped one it exits 0', async function () {
    this.timeout(90_000);
    const dir = brokenCatalogue((menu) => {
      menu.nodes.orphan = { kind: 'hangup', prompt: '再见。' };
    });
    dirs.push(dir);
    const failed = await run('npx', ['tsx', 'tools/caller/ivr-lint.ts', '--dir', dir]).then(
      () => assert.fail('ivr:lint passed a broken menu'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /ivr:lint: 1 problem\(s\)/);
    assert.match(
      failed.stderr,
      /menus\/citizen-centre\.yaml: node orphan is not reachable from main/,
    );
    const passed = await run('npx', ['tsx', 'tools/caller/ivr-lint.ts']);
    assert.match(passed.stdout, /\d+ prompts, \d+ menus, .*no problems/);
  });
});
