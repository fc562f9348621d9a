import assert from 'node:assert/strict';
import { loadCatalogue, type Hotline } from '../../src/catalogue/index.js';
import { loadMenus, type Menu } from '../../src/ivr/index.js';
import { buildMenuGraph } from '../../src/ivr/menu-graph.js';
import type { CallerInput, CallResult } from '../../tools/caller/caller.js';
import { testConfig } from '../support/env.js';
import { assertTwimlCore, PROFILES } from '../support/twiml-core.js';
import { buildIncomingParams, postSigned } from '../support/twilio.js';
import { expectAllValidTwiml, keys, startIvr } from './ivr-support.js';

const catalogue = loadCatalogue(testConfig().catalogueDir);
const menus = loadMenus(testConfig().catalogueDir, catalogue);
const OPEN = '2020-02-03T10:00';
const CLOSED = '2020-10-01T10:00';
const stopAtBooking = (url: string) => new URL(url).pathname.startsWith('/twilio/voice/booking/');

/** The keys that lead from the start to each menu node (information nodes pass by themselves). */
function pathsToMenus(menu: Menu): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const queue: Array<{ id: string; path: string[] }> = [{ id: menu.start, path: [] }];
  while (queue.length > 0) {
    const { id, path } = queue.shift()!;
    const node = menu.nodes[id]!;
    if (node.kind === 'info') queue.push({ id: node.next, path });
    if (node.kind !== 'menu' || paths.has(id)) continue;
    paths.set(id, path);
    for (const option of node.options) queue.push({ id: option.next, path: [...path, option.key] });
  }
  return paths;
}

/** Where a node leaves the caller without further input: past information nodes. */
function settle(menu: Menu, id: string): string {
  let node = menu.nodes[id]!;
  while (node.kind === 'info') {
    id = node.next;
    node = menu.nodes[id]!;
  }
  return id;
}

const waitingAt = (result: CallResult) =>
  new URL(result.unansweredGather ?? 'http://x/').searchParams;

function assertEndedAt(
  menu: Menu,
  hotline: Hotline,
  targetId: string,
  result: CallResult,
  label: string,
): void {
  const target = menu.nodes[targetId]!;
  switch (target.kind) {
    case 'menu':
      assert.equal(result.outcome, 'caller-hung-up', label);
      assert.equal(waitingAt(result).get('node'), targetId, `${label}: waits at ${targetId}`);
      break;
    case 'queue':
      assert.equal(result.outcome, 'queue', label);
      assert.equal(result.queue, target.skill, label);
      break;
    case 'booking':
    case 'booking-lookup':
      assert.equal(result.outcome, 'self-service', label);
      break;
    case 'callback':
    case 'hangup':
      assert.equal(result.outcome, 'hangup', label);
      break;
    default:
      assert.fail(`${label}: unexpected ${target.kind} (${hotline.number})`);
  }
}

/** What the caller hears in one answer: the text of its <Say> verbs (not the Gather's speech hints). */
const spoken = (twiml: string) =>
  [...twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!).join('');

/** Fails when two consecutive spoken sentences of a call both ask the caller to wait (请稍候). */
function assertNoDoubleWait(result: CallResult): void {
  const says = result.requests.flatMap((r) =>
    [...r.twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map((m) => m[1]!),
  );
  for (let i = 1; i < says.length; i += 1)
    assert.ok(
      !(says[i - 1]!.includes('请稍候') && says[i]!.includes('请稍候')),
      `请稍候 twice in a row: ${says[i - 1]} / ${says[i]}`,
    );
}

for (const profile of PROFILES) {
  const env = { TELEPHONY_PROFILE: profile };

  describe(`calling every hotline when its hall is closed: closed is said first (TELEPHONY_PROFILE=${profile})`, function () {
    this.timeout(120_000);
    let ivr: Awaited<ReturnType<typeof startIvr>>;
    // A holiday, a weekend, the evening of a working day, and the lunch break (halls with one).
    const times: Array<[at: string, reason: RegExp]> = [
      ['2020-10-01T10:00', /今天是国庆节假期/],
      ['2020-10-17T10:00', /今天是周末/],
      ['2020-02-04T20:00', /今天已经下班/],
      ['2020-02-04T12:00', /午休时间/],
    ];

    before(async () => {
      ivr = await startIvr(CLOSED, env);
    });

    for (const hotline of catalogue.hotlines) {
      it(`when ${hotline.name} (${hotline.number}) is called while closed, then the first answer says why, the hours and the next opening, and offers no path to a person`, async () => {
        let checked = 0;
        for (const [at, reason] of times) {
          ivr.setTime(at);
          if (
            ivr.runtime.calendar.openAt(
              catalogue.department(hotline.department)!.hall.id,
              ivr.clock.now(),
            ).open
          )
            continue;
          const first = await ivr.dial({ to: hotline.number, inputs: [] });
          assert.equal(first.requests.length, 1);
          const twiml = spoken(first.requests[0]!.twiml);
          assert.match(twiml, reason, at);
          assert.match(twiml, /办公时间是工作日/);
          assert.match(twiml, /下次办公时间是/);
          assert.match(first.unansweredGather!, /\/ivr\/choice\?.*reason=closed/);
          assert.doesNotMatch(twiml, /按0|人工|为您转接|请稍候/, `${at}: no path to a person`);
          checked += 1;
        }
        assert.ok(checked >= 3, 'closed at the holiday, the weekend and the evening at least');
      });
    }

    after(async () => ivr.expectValidAnswers());
  });

  describe(`walking every path of every shipped menu (through the built-in provider, TwiML checked against Twilio's schema; TELEPHONY_PROFILE=${profile})`, function () {
    this.timeout(120_000);
    let ivr: Awaited<ReturnType<typeof startIvr>>;

    before(async () => {
      ivr = await startIvr(OPEN, env);
    });

    for (const [menuId, menu] of menus) {
      const hotline = catalogue.hotlines.find((h) => h.menu === menuId)!;
      const graph = buildMenuGraph(menu);
      const call = (inputs: CallerInput[]) =>
        ivr.dial({ to: hotline.number, inputs, stopAt: stopAtBooking });

      describe(`menu ${menuId} (via ${hotline.number})`, () => {
        for (const [nodeId, path] of pathsToMenus(menu)) {
          const node = menu.nodes[nodeId] as Extract<Menu['nodes'][string], { kind: 'menu' }>;
          it(`when open, at ${nodeId} (keys ${path.join(',') || 'none'}): every option, 9, *, 0, an invalid key and silence lead to a menu, a queue, self-service or a goodbye`, async () => {
            ivr.setTime(OPEN);
            for (const option of node.options) {
              const result = await call(keys(...path, option.key));
              assertEndedAt(
                menu,
                hotline,
                settle(menu, option.next),
                result,
                `${nodeId} key ${option.key}`,
              );
              assertNoDoubleWait(result);
            }
            const repeat = await call(keys(...path, '9'));
            assert.equal(waitingAt(repeat).get('node'), nodeId, '9 repeats');
            const back = await call(keys(...path, '*'));
            assert.equal(waitingAt(back).get('node'), graph.backTo.get(nodeId), '* goes back');
            const person = await call(keys(...path, '0'));
            assert.equal(person.outcome, 'queue', '0 reaches a person');
            assert.equal(person.queue, hotline.department);

            const unused = ['1', '2', '3', '4', '5', '6', '7', '8', '#'].find(
              (key) => !node.options.some((o) => o.key === key),
            );
            const invalid = await call([
              ...keys(...path),
              unused
                ? { kind: 'dtmf', digits: unused }
                : { kind: 'speech', text: '预约', confidence: 0.2 },
            ]);
            assert.equal(waitingAt(invalid).get('node'), nodeId);
            assert.equal(waitingAt(invalid).get('attempt'), '1');
            assert.match(invalid.requests.at(-1)!.twiml, unused ? /输入有误/ : /没有听清/);

            const silent = await call(keys(...path, 'timeout', 'timeout', 'timeout'));
            assert.equal(silent.outcome, 'queue', 'three silences reach a person');
            assert.ok(
              silent.requests.some((r) => r.twiml.includes('没有收到您的选择')),
              'a timeout is answered',
            );
            assertNoDoubleWait(silent);
            await ivr.expectValidAnswers();
          });
        }

        it('when closed (2020-10-01), then the after-hours choice comes first, and each of its keys leads to self-service, a callback or a goodbye, never to a person or the working-hours menu', async () => {
          ivr.setTime(CLOSED);
          const first = await call([]);
          assert.match(first.unansweredGather!, /\/ivr\/choice\?.*reason=closed/);
          const choices = first.requests.at(-1)!.twiml;
          for (const key of ['1', '2', '3', '#']) {
            if (!choices.includes(`请按${key}`)) continue;
            const result = await call(keys(key));
            assert.equal(
              result.outcome,
              key === '1' || key === '2' ? 'self-service' : 'hangup',
              `after hours key ${key}`,
            );
          }
          const person = await call(keys('0'));
          assert.match(person.requests.at(-1)!.twiml, /现在暂时无法转接人工服务/);
          assert.match(person.unansweredGather!, /reason=closed/);
          const back = await call(keys('*'));
          assert.match(
            back.unansweredGather!,
            /reason=closed/,
            '* stays in the after-hours choice',
          );
          const giveUp = await call(keys('timeout', 'timeout', 'timeout'));
          assert.equal(giveUp.outcome, 'hangup');
          assert.match(giveUp.requests.at(-1)!.twiml, /再见/);
          assert.ok(
            giveUp.requests.every((r) => !spoken(r.twiml).includes('为您转接')),
            'three silences at night promise no transfer',
          );
          for (const result of [first, person, back, giveUp]) assertNoDoubleWait(result);
          await ivr.expectValidAnswers();
        });

        it('when the hall closes during the call, then a queue option, the green channel and three failures say closed without promising a transfer', async () => {
          ivr.setTime(OPEN);
          const started = await call([]);
          const callSid = started.requests[0]!.params.CallSid!;
          ivr.setTime(CLOSED);
          const post = async (node: string, attempt: number, digits: string) => {
            const response = await postSigned(
              ivr.url,
              `/twilio/voice/ivr/input?menu=${menuId}&node=${node}&attempt=${attempt}`,
              { ...buildIncomingParams({ CallSid: callSid, To: hotline.number }), Digits: digits },
            );
            assert.equal(response.status, 200);
            return response.body;
          };
          const main = menu.nodes[menu.start] as Extract<Menu['nodes'][string], { kind: 'menu' }>;
          const green = main.options.find(
            (o) => (menu.nodes[o.next] as { greenChannel?: boolean }).greenChannel,
          );
          const answers = [await post(menu.start, 2, '')];
          if (green) answers.push(await post(menu.start, 0, green.key));
          for (const twiml of answers) {
            assert.match(twiml, /reason=closed/);
            assert.match(spoken(twiml), /国庆节假期/);
            assert.doesNotMatch(spoken(twiml), /为您转接|优先转接|请稍候/);
          }
          if (profile === 'twiml-core')
            for (const twiml of answers) assertTwimlCore(twiml, 'input after closing');
          await expectAllValidTwiml(answers);
        });
      });
    }
  });
}
