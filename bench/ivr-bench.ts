import { randomBytes } from 'node:crypto';
import { DEV_AUTH_TOKEN } from '../src/platform/config.js';
import { signTwilioRequest } from '../src/platform/twilio-webhook.js';
import { createBenchEnv, profileLoad, round } from './bench-env.js';
import { fixedRate, latencyRounds } from './fixed-rate.js';
import {
  LATENCY_SECONDS,
  PUBLIC_BASE_URL,
  startServer,
  WARM_UP_SECONDS,
} from './incoming-bench.js';

/** Menu steps a caller takes on the citizen-centre main menu: two sub-menus, repeat, a booking hand-off, a timeout, speech. */
const STEPS: ReadonlyArray<Record<string, string>> = [
  { Digits: '2' },
  { Digits: '7' },
  { Digits: '9' },
  { Digits: '4' },
  {},
  { SpeechResult: '我想取消预约', Confidence: '0.82' },
];

/**
 * The IVR menu-step scenario: signed `/ivr/input` requests (keys, speech, timeouts) at a fixed
 * rate against a running app whose PUBLIC_BASE_URL is `publicBaseUrl`. The target is p99 under
 * 30 ms at 200 requests/s. Each step reads the in-memory menus and writes one call step.
 */
export async function ivrBenchScenario(options: {
  url: string;
  publicBaseUrl: string;
  rate?: number;
  duration?: number;
  to?: string;
}) {
  const path = '/twilio/voice/ivr/input?menu=citizen-centre&node=main&attempt=0';
  const signed = () => {
    const params = {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      From: `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
      To: options.to ?? '+864694226101',
      ...STEPS[Math.floor(Math.random() * STEPS.length)]!,
    };
    return {
      body: new URLSearchParams(params).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signTwilioRequest(
          DEV_AUTH_TOKEN,
          `${options.publicBaseUrl}${path}`,
          params,
        ),
      },
    };
  };
  // An open-loop load: a request every 5 ms at 200/s, its latency counted from when it was due.
  const result = await fixedRate({
    url: options.url,
    rate: options.rate ?? 200,
    seconds: options.duration ?? 15,
    prepare: () => ({ path, ...signed() }),
  });
  return {
    scenario: 'ivr menu steps',
    ...result,
    targetP99Ms: 30,
    passed: result.p99Ms < 30 && result.non2xx === 0 && result.errors === 0,
  };
}

/**
 * `npm run bench -- ivr`: the menu-step scenario against the app and, with the same requests,
 * against the bare Express baseline, both in child processes, in the same run.
 */
export async function runIvrBench(seconds = LATENCY_SECONDS): Promise<Record<string, unknown>> {
  const env = await createBenchEnv();
  const servers = {
    baseline: await startServer('baseline', env.env),
    app: await startServer('app', env.env),
  };
  const { baseline, app } = servers;
  try {
    // Both servers warmed up alike (JIT, connections, the heap's first growth) before anything is measured.
    await ivrBenchScenario({
      url: app.url,
      publicBaseUrl: PUBLIC_BASE_URL,
      duration: WARM_UP_SECONDS,
    });
    await ivrBenchScenario({
      url: baseline.url,
      publicBaseUrl: PUBLIC_BASE_URL,
      duration: WARM_UP_SECONDS,
    });
    const { baseline: baselineRun, app: appRun } = await latencyRounds((server) =>
      ivrBenchScenario({
        url: servers[server].url,
        publicBaseUrl: PUBLIC_BASE_URL,
        duration: seconds,
      }),
    );
    // Separate runs for the profile, so that sampling PostgreSQL does not weigh on the latencies.
    const profile = await profileLoad(app.pid, env.databaseUrl, () =>
      ivrBenchScenario({ url: app.url, publicBaseUrl: PUBLIC_BASE_URL, duration: 5 }),
    );
    const baselineProfile = await profileLoad(baseline.pid, env.databaseUrl, () =>
      ivrBenchScenario({ url: baseline.url, publicBaseUrl: PUBLIC_BASE_URL, duration: 5 }),
    );
    return {
      scenario: 'ivr menu steps at 200 requests/s',
      baseline: baselineRun,
      app: appRun,
      p99Ratio: round(appRun.p99Ms / Math.max(baselineRun.p99Ms, 1), 2),
      target: 'app.p99Ms < 30',
      whereTimeGoes: {
        appCpuMsPerRequest: profile.appCpuMsPerRequest,
        postgresCpuMsPerRequest: profile.postgresCpuMsPerRequest,
        postgresBackendWaits: profile.postgresBackendWaits,
        baselineCpuMsPerRequest: baselineProfile.appCpuMsPerRequest,
        cpuRatio: round(profile.appCpuMsPerRequest / baselineProfile.appCpuMsPerRequest, 2),
      },
    };
  } finally {
    await Promise.all([baseline.stop(), app.stop()]);
    await env.drop();
  }
}
