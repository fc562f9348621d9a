import assert from 'node:assert/strict';
import { loadCatalogue, type Hotline } from '../../src/catalogue/index.js';
import { loadMenus, type Menu } from '../../src/ivr/index.js';
import { buildMenuGraph } from '../../src/ivr/menu-graph.js';
import type { CallerInput, CallResult } from '../../src/ivr/tools/caller.js';
import { testConfig } from '../support/env.js';
import { keys, startIvr } from './ivr-support.js';

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

const waitingAt = (result: CallResult) => new URL(result.unansweredGather ?? 'http://x/').searchParams;

function assertEndedAt(menu: Menu, hotline: Hotline, targetId: string, result: CallResult, label: string): void {
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

describe('walking every path of every shipped menu (in-repo caller, TwiML checked against Twilio\'s schema)', function () {
  this.timeout(120_000);
  let ivr: Awaited<ReturnType<typeof startIvr>>;

  before(async () => {
    ivr = await startIvr(OPEN);
  });

  for (const [menuId, menu] of menus) {
    const hotline = catalogue.hotlines.find((h) => h.menu === menuId)!;
    const graph = buildMenuGraph(menu);
    const call = (inputs: CallerInput[]) => ivr.call({ to: hotline.number, inputs, stopAt: stopAtBooking });

    describe(`menu ${menuId} (via ${hotline.number})`, () => {
      for (const [nodeId, path] of pathsToMenus(menu)) {
        const node = menu.nodes[nodeId] as Extract<Menu['nodes'][string], { kind: 'menu' }>;
        it(`when open, at ${nodeId} (keys ${path.join(',') || 'none'}): every option, 9, *, 0, an invalid key and silence lead to a menu, a queue, self-service or a goodbye`, async () => {
          ivr.setTime(OPEN);
          for (const option of node.options) {
            const result = await call(keys(...path, option.key));
            assertEndedAt(menu, hotline, settle(menu, option.next), result, `${nodeId} key ${option.key}`);
          }
          const repeat = await call(keys(...path, '9'));
          assert.equal(waitingAt(repeat).get('node'), nodeId, '9 repeats');
          const back = await call(keys(...path, '*'));
          assert.equal(waitingAt(back).get('node'), graph.backTo.get(nodeId), '* goes back');
          const person = await call(keys(...path, '0'));
          assert.equal(person.outcome, 'queue', '0 reaches a person');
          assert.equal(person.queue, hotline.department);

          const unused = ['1', '2', '3', '4', '5', '6', '7', '8', '#'].find((key) => !node.options.some((o) => o.key === key));
          const invalid = await call([...keys(...path), unused ? { kind: 'dtmf', digits: unused } : { kind: 'speech', text: '预约', confidence: 0.2 }]);
          assert.equal(waitingAt(invalid).get('node'), nodeId);
          assert.equal(waitingAt(invalid).get('attempt'), '1');
          assert.match(invalid.requests.at(-1)!.twiml, unused ? /输入有误/ : /没有听清/);

          const silent = await call(keys(...path, 'timeout', 'timeout', 'timeout'));
          assert.equal(silent.outcome, 'queue', 'three silences reach a person');
          assert.ok(silent.requests.some((r) => r.twiml.includes('没有收到您的选择')), 'a timeout is answered');
          await ivr.expectValidAnswers();
        });
      }

      it('when closed (2020-10-01), then 0 and silence lead to the after-hours choice, and each of its keys to self-service, a callback or a goodbye', async () => {
        ivr.setTime(CLOSED);
        const person = await call(keys('0'));
        assert.equal(person.outcome, 'caller-hung-up');
        assert.match(person.unansweredGather!, /\/ivr\/choice\?.*reason=closed/);
        assert.match(person.requests.at(-1)!.twiml, /国庆节/);
        const silent = await call(keys('timeout', 'timeout', 'timeout'));
        assert.match(silent.unansweredGather!, /reason=closed/);
        const choices = person.requests.at(-1)!.twiml;
        for (const key of ['1', '2', '3', '#']) {
          if (!choices.includes(`请按${key}`)) continue;
          const result = await call(keys('0', key));
          assert.equal(result.outcome, key === '1' || key === '2' ? 'self-service' : 'hangup', `after hours key ${key}`);
        }
        const giveUp = await call(keys('0', 'timeout', 'timeout', 'timeout'));
        assert.equal(giveUp.outcome, 'hangup');
        assert.match(giveUp.requests.at(-1)!.twiml, /再见/);
        for (const id of graph.order.filter((n) => menu.nodes[n]!.kind === 'queue').slice(0, 1)) {
          const path = pathsToMenus(menu);
          const parent = [...path].find(([m]) => (menu.nodes[m] as { options?: Array<{ next: string }> }).options?.some((o) => settle(menu, o.next) === id));
          if (!parent) continue;
          const option = (menu.nodes[parent[0]] as { options: Array<{ key: string; next: string }> }).options.find((o) => settle(menu, o.next) === id)!;
          const queued = await call(keys(...parent[1], option.key));
          assert.equal(queued.outcome, 'caller-hung-up', `queue ${id} after hours offers the choice`);
          assert.match(queued.unansweredGather!, /reason=closed/);
        }
        await ivr.expectValidAnswers();
      });
    });
  }
});
