import assert from 'node:assert/strict';
import {
  cappedSeconds,
  STATE_SECONDS_CAP,
  wallboardAlerts,
} from '../../src/supervision/wallboard-alerts.js';

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
