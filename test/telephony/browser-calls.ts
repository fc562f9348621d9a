import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Runtime } from '../../src/runtime.js';
import { createAgent } from '../agents/agents-support.js';
import { browserPresent, launchChromium } from '../support/browser.js';

export const PASSWORD = 'correct horse battery';

/** Keeps every RTCPeerConnection a page makes, so that the test can read its statistics. */
export async function watchPeers(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const peers: RTCPeerConnection[] = [];
    (window as unknown as { peers: RTCPeerConnection[] }).peers = peers;
    window.RTCPeerConnection = class extends Native {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        peers.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** Audio packets each peer connection of the page sent and received, oldest first; closed ones left out. */
export function peerPackets(page: Page): Promise<Array<{ sent: number; received: number }>> {
  return page.evaluate(async () => {
    const peers = (window as unknown as { peers: RTCPeerConnection[] }).peers;
    const open = peers.filter((peer) => peer.connectionState !== 'closed');
    return Promise.all(
      open.map(async (peer) => {
        let sent = 0;
        let received = 0;
        for (const report of (await peer.getStats()).values()) {
          if (report.type === 'outbound-rtp' && report.kind === 'audio')
            sent += report.packetsSent ?? 0;
          if (report.type === 'inbound-rtp' && report.kind === 'audio')
            received += report.packetsReceived ?? 0;
        }
        return { sent, received };
      }),
    );
  });
}

export async function logIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(`${url}/panel/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
}

/**
 * The agent (logged in, free on `desk`) answers a caller who dials the citizen centre's hotline
 * on the test phone (`phone`, logged in as a supervisor) and presses 2 then 1; answers the CallSid.
 */
export async function callToDesk(phone: Page, desk: Page): Promise<string> {
  await phone.waitForURL(/wallboard\.html$/);
  await phone.getByRole('link', { name: '测试电话' }).click();
  await phone.waitForURL(/test-phone\.html$/);
  await phone
    .getByLabel('热线')
    .selectOption({ label: '市民服务中心综合预约热线（双鸭山市市民服务中心）' });
  await phone.getByRole('button', { name: '拨号' }).click();
  await phone.locator('#captions li', { hasText: '业务咨询请按2' }).waitFor();
  await phone.getByRole('button', { name: '2', exact: true }).click();
  await phone.locator('#captions li', { hasText: '办事指南和综合受理请按1' }).waitFor();
  await phone.getByRole('button', { name: '1', exact: true }).click();
  await desk.locator('#call-card[data-call-sid]').waitFor();
  await desk.getByRole('button', { name: '接听' }).click();
  await phone.locator('#call-status[data-state="connected"]').waitFor();
  await desk.locator('#agent-state[data-state="on_call"]').waitFor();
  return (await desk.locator('#call-card').getAttribute('data-call-sid'))!;
}

export const SCREENSHOTS = 'test-artifacts/screenshots';

/** Chromium with a fake microphone that needs no permission prompt; skips the suite without it. */
export async function launchWithFakeMedia(context: Mocha.Context): Promise<Browser> {
  if (!browserPresent()) context.skip();
  mkdirSync(SCREENSHOTS, { recursive: true });
  return launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
}

/** An agent 王丽 of the citizen centre's general desk and a supervisor 张伟, with {@link PASSWORD}. */
export async function agentAndSupervisor(runtime: Runtime) {
  const agent = await createAgent(runtime, {
    skills: ['cc-general'],
    displayName: '王丽',
    password: PASSWORD,
  });
  const supervisor = await createAgent(runtime, {
    skills: [],
    role: 'supervisor',
    displayName: '张伟',
    password: PASSWORD,
  });
  return { agent, supervisor };
}

/** The agent logs in on `desk`, waits for the built-in provider's softphone and goes free. */
export async function freeOnDesk(desk: Page, url: string, agent: string): Promise<void> {
  await logIn(desk, url, agent);
  await desk.waitForURL(/desk\.html$/);
  await desk.locator('#softphone-status', { hasText: '软电话已连接（本机电话服务）' }).waitFor();
  await desk.getByRole('button', { name: '空闲' }).click();
  await desk.locator('#agent-state[data-state="available"]').waitFor();
}
