import assert from 'node:assert/strict';
import { createFixedClock } from '../../src/platform/clock.js';
import type { LiveEvent } from '../../src/routing/index.js';
import { createAlertWatch } from '../../src/supervision/wallboard-alert-watch.js';
import {
  cappedSeconds,
  STATE_SECONDS_CAP,
  wallboardAlerts,
  type WallboardAlert,
} from '../../src/supervision/wallboard-alerts.js';
import { createAgent, eventually } from '../agents/agents-support.js';
import {
  closeWallboardSetup,
  openWallboardPage,
  openWallboardSetup,
  SCREENSHOTS,
  type WallboardSetup,
} from './wallboard-browser.js';

const limits = { waitSeconds: 120, missedOffers: 2, wrapUpSeconds: 300, breakSeconds: 1800 };
const buildQueue = (overrides: Partial<Parameters<typeof wallboardAlerts>[0][number]> = {}) => ({
  skill: 'cc-tax',
  name: '税务窗口',
  longestWaitSeconds: 0,
  serviceLevel: null,
  ...overrides,
});
const buildAgent = (overrides: Partial<Parameters<typeof wallboardAlerts>[1][number]> = {}) => ({
  agentId: 'wangli',
  displayName: '王丽',
  state: 'available' as const,
  secondsInState: 0,
  stateCapped: false,
  missed: 0,
  ...overrides,
});

describe('wallboard alerts', () => {
  it('when every figure is just under its threshold, then nothing fires; at the threshold, each fires once with its words', () => {
    assert.deepEqual(
      wallboardAlerts(
        [buildQueue({ longestWaitSeconds: 119, serviceLevel: 0.8 })],
        [
          buildAgent({ missed: 1 }),
          buildAgent({ agentId: 'b', state: 'wrap_up', secondsInState: 299 }),
          buildAgent({ agentId: 'c', state: 'break', secondsInState: 1799 }),
        ],
        limits,
        0.8,
      ),
      [],
    );
    const alerts = wallboardAlerts(
      [buildQueue({ longestWaitSeconds: 120, serviceLevel: 0.79 })],
      [
        buildAgent({ missed: 2 }),
        buildAgent({ agentId: 'b', displayName: '张伟', state: 'wrap_up', secondsInState: 300 }),
        buildAgent({ agentId: 'c', displayName: '孙悦', state: 'break', secondsInState: 1800 }),
      ],
      limits,
      0.8,
    );
    assert.deepEqual(
      alerts.map((a) => [a.kind, a.subject, a.text]),
      [
        ['longest_wait', 'queue:cc-tax', '「税务窗口」最长等待 2 分（阈值 2 分）'],
        ['service_level', 'queue:cc-tax', '「税务窗口」今日服务水平 79%，低于目标 80%'],
        ['missed_offers', 'agent:wangli', '王丽 连续 2 次未接来电'],
        ['wrap_up', 'agent:b', '张伟 话后整理已 5 分（上限 5 分）'],
        ['break', 'agent:c', '孙悦 小休已 30 分（上限 30 分）'],
      ],
    );
  });

  it('when a state has lasted 59,977 hours, then its time is capped at 12 hours and flagged', () => {
    assert.deepEqual(cappedSeconds(59_977 * 3600), { seconds: STATE_SECONDS_CAP, capped: true });
    assert.deepEqual(cappedSeconds(STATE_SECONDS_CAP), {
      seconds: STATE_SECONDS_CAP,
      capped: false,
    });
    const [alert] = wallboardAlerts(
      [],
      [buildAgent({ state: 'wrap_up', secondsInState: STATE_SECONDS_CAP, stateCapped: true })],
      limits,
      0.8,
    );
    assert.equal(alert?.text, '王丽 话后整理已超过 12 时 0 分（上限 5 分）');
  });
});

describe('wallboard alerts as live events', function () {
  this.timeout(120_000);
  // A day no other test plays calls on: the wallboard's figures of the day read the run's shared database.
  const clock = createFixedClock('2026-06-23T02:00:00Z');
  const problems: string[] = [];
  let setup: WallboardSetup;

  before(async function () {
    setup = await openWallboardSetup(this, clock);
  });
  after(() => closeWallboardSetup(setup ?? {}));

  it('when two processes check at once, then each alert raised and cleared is told to supervisors once', async () => {
    const { runtime } = setup;
    let alerts: WallboardAlert[] = [];
    const watch = () =>
      createAlertWatch({
        read: async () => ({ alerts }),
        redis: runtime.redis,
        prefix: `${runtime.config.redisPrefix}:watch-test`,
        events: runtime.routing.events,
        clock,
        logger: runtime.logger,
      });
    const [one, two] = [watch(), watch()];
    const heard: LiveEvent[] = [];
    const stop = await runtime.routing.events.subscribe('supervisors', (event) => {
      if (event.type === 'wallboard-alert' && event.subject === 'agent:watch-test')
        heard.push(event);
    });
    try {
      const alert = {
        kind: 'break' as const,
        subject: 'agent:watch-test',
        text: '孙悦 小休已 30 分',
      };
      alerts = [alert];
      const first = await Promise.all([one.check(), two.check()]);
      assert.equal(first.flatMap((c) => c.raised).length, 1, 'raised once');
      assert.deepEqual(await one.check(), { raised: [], cleared: [] }, 'still firing: nothing new');
      alerts = [];
      const second = await Promise.all([one.check(), two.check()]);
      assert.deepEqual(
        second.flatMap((c) => c.cleared),
        [alert],
      );
      await eventually(async () => heard.length === 2, 'both changes heard');
      assert.deepEqual(
        heard.map((e) => e.type === 'wallboard-alert' && [e.change, e.kind, e.text]),
        [
          ['raised', 'break', '孙悦 小休已 30 分'],
          ['cleared', 'break', '孙悦 小休已 30 分'],
        ],
      );
    } finally {
      await stop();
    }
  });

  it("when an agent's break passes its limit and then ends, then the wallboard's alert area shows the alert and clears it from the live events alone, its poll answering nothing", async () => {
    const { runtime } = setup;
    const supervisor = await createAgent(runtime, {
      skills: ['cc-general'],
      role: 'supervisor',
      displayName: '李建国',
    });
    const agent = await createAgent(runtime, { skills: ['cc-general'], displayName: '孙悦' });
    await runtime.routing.presence.setState(agent, 'break', '用餐');
    await runtime.supervision.checkAlerts();

    const page = await openWallboardPage(setup, supervisor, problems);
    await page.locator('#alert-area[data-firing="no"]').waitFor();
    await page.locator(`[data-agent="${agent}"]`).first().waitFor();
    // From here the wallboard's poll gets no board: only a live event can change the alert area.
    await page.route('**/api/supervisor/wallboard', (route) => route.abort());

    const limit = runtime.config.wallboard.breakSeconds;
    clock.set(new Date(clock.now().getTime() + limit * 1000));
    const raised = await runtime.supervision.checkAlerts();
    assert.deepEqual(
      raised.raised.map((a) => [a.kind, a.subject]),
      [['break', `agent:${agent}`]],
    );
    const item = page.locator(`#alerts li[data-alert="break"][data-subject="agent:${agent}"]`);
    await item.waitFor();
    assert.equal(await item.textContent(), `孙悦 小休已 30 分（上限 30 分）`);
    await page.locator('#alert-area[data-firing="yes"]').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/wallboard-alert-live.png` });

    await runtime.routing.presence.setState(agent, 'available');
    const cleared = await runtime.supervision.checkAlerts();
    assert.deepEqual(
      cleared.cleared.map((a) => a.subject),
      [`agent:${agent}`],
    );
    await item.waitFor({ state: 'detached' });
    await page.locator('#alert-area[data-firing="no"]').waitFor();
    assert.deepEqual(problems, []);
    await page.context().close();
  });
});
