// @ts-check
/* global window, fetch -- browser code, served as is to the panel's pages */
import { api } from './panel-api.js';
import { startSipPhone } from './sip-softphone.js';
import { startLocalPhone } from './local-softphone.js';

/** @typedef {import('../panel-types.js').LocalSoftphone} LocalSoftphone */
/** @typedef {import('../panel-types.js').SoftphoneRegistration} SoftphoneRegistration */
/** @typedef {import('../panel-types.js').SoftphoneToken} SoftphoneToken */
/** @typedef {import('@twilio/voice-sdk').Call} VoiceCall */

/**
 * A call as the panel's buttons drive it: the Voice SDK's Call, or a JsSIP session or a leg of the
 * built-in provider seen through the same calls.
 * @typedef {object} PanelCall
 * @property {() => string} status 'pending' while it rings, then 'open', 'closed'…
 * @property {() => boolean} isMuted
 * @property {() => unknown} accept
 * @property {() => unknown} reject
 * @property {() => unknown} disconnect
 * @property {(on: boolean) => unknown} mute
 */

/**
 * What a softphone tells the desk: its status line, that it is down (and why, in Chinese), a
 * ringing call, a change on the call, the call's end.
 * @typedef {object} PhoneHooks
 * @property {(text: string, up: boolean, code?: string) => void} show
 * @property {(error?: unknown, why?: string) => void} down
 * @property {(call: PanelCall) => void} ringing
 * @property {() => void} changed
 * @property {() => void} ended
 */

/**
 * The built-in provider says it is there (`npm start` without a provider account); null otherwise.
 * @returns {Promise<LocalSoftphone | null>}
 */
async function localProvider() {
  try {
    const response = await fetch('/telephony/softphone', { credentials: 'same-origin' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/** The SDK's sounds by name (`Device.SoundName`), served by the app: the SDK would fetch them from Twilio's CDN. */
const SOUND_NAMES = [
  'incoming',
  'outgoing',
  'disconnect',
  ...'0123456789sh'.split('').map((k) => `dtmf${k}`),
];
const softphoneSounds = () =>
  Object.fromEntries(
    SOUND_NAMES.map((name) => [name, `${window.location.origin}/panel/vendor/sounds/${name}.wav`]),
  );

/**
 * The browser softphone: a Twilio.Device registered with the agent's access token, or, where the
 * provider rings SIP addresses instead (GET /api/agents/me/softphone says which), a JsSIP user
 * agent registered with the agent's SIP account, or, on the built-in provider (GET
 * /telephony/softphone answers), its WebRTC softphone; and the answer / hang-up / mute buttons wired
 * to the call. When the library is missing or registration fails, it says "软电话未连接" and the
 * desk goes on.
 */
/**
 * @param {{ status: HTMLElement, answer: HTMLButtonElement, reject?: HTMLButtonElement | null,
 *   hangup: HTMLButtonElement, mute: HTMLButtonElement }} elements
 */
export function startSoftphone({ status, answer, reject, hangup, mute }) {
  /** @type {PanelCall | undefined} */
  let call;
  /** @type {PhoneHooks['show']} */
  const show = (text, up, code = '') => {
    status.textContent = text;
    status.title = code ? `技术代码：${code}` : '';
    status.classList.toggle('up', up);
    status.classList.toggle('down', !up);
  };
  const buttons = () => {
    const ringing = call?.status() === 'pending';
    answer.disabled = !ringing;
    if (reject) reject.disabled = !ringing;
    hangup.disabled = !call;
    mute.disabled = !call || ringing;
    mute.textContent = call?.isMuted() ? '取消静音' : '静音';
  };
  // The SDK's errors are English: the agent reads what it means, the code stays in the tooltip.
  /** @type {PhoneHooks['down']} */
  const down = (error, why = '无法连接到语音服务') => {
    const reason =
      /** @type {{ code?: unknown, name?: unknown, message?: unknown } | undefined} */ (error);
    const code = [reason?.code, reason?.name, reason?.message].filter(Boolean).join(' ');
    show(`软电话未连接：${why}`, false, code);
  };

  answer.addEventListener('click', () => call?.accept());
  reject?.addEventListener('click', () => call?.reject());
  hangup.addEventListener('click', () =>
    call?.status() === 'pending' ? call.reject() : call?.disconnect(),
  );
  mute.addEventListener('click', () => {
    call?.mute(!call.isMuted());
    buttons();
  });

  /** @param {PanelCall} incoming */
  const ringing = (incoming) => {
    call = incoming;
    buttons();
  };
  const ended = () => {
    call = undefined;
    buttons();
  };

  (async () => {
    const local = await localProvider();
    if (local?.kind === 'local') {
      startLocalPhone(local, { show, down, ringing, changed: buttons, ended });
      return;
    }
    /** @type {SoftphoneRegistration} */
    let phone;
    try {
      phone = await api('GET', '/api/agents/me/softphone');
    } catch (error) {
      down(error);
      return;
    }
    if (phone.kind === 'sip') {
      startSipPhone(phone, { show, down, ringing, changed: buttons, ended });
      return;
    }
    if (phone.kind !== 'twilio') {
      down(new Error('no SIP account for this agent'), '未配置软电话账号，请联系系统管理员');
      return;
    }
    // The Voice SDK's bundle (vendor/twilio.min.js) sets window.Twilio when it loaded.
    const { Twilio } = /** @type {{ Twilio?: typeof import('@twilio/voice-sdk') }} */ (
      /** @type {unknown} */ (window)
    );
    if (!Twilio?.Device) {
      down(new Error('Twilio Voice SDK not loaded'), '语音组件未能加载');
      return;
    }
    try {
      const { token } = phone;
      const device = new Twilio.Device(token, {
        logLevel: 'silent',
        sounds: softphoneSounds(),
        closeProtection: true,
        codecPreferences: /** @type {import('@twilio/voice-sdk').Call.Codec[]} */ ([
          'opus',
          'pcmu',
        ]),
      });
      device.on('registered', () => show('软电话已连接', true));
      device.on('unregistered', () => down());
      device.on('error', (error) => down(error));
      device.on('tokenWillExpire', async () => {
        /** @type {SoftphoneToken} */
        const fresh = await api('GET', '/api/agents/me/token');
        device.updateToken(fresh.token);
      });
      device.on('incoming', (/** @type {VoiceCall} */ incoming) => {
        call = incoming;
        for (const name of ['accept', 'mute', 'reject', 'cancel', 'disconnect'])
          incoming.on(name, buttons);
        for (const name of ['reject', 'cancel', 'disconnect']) {
          incoming.on(name, () => {
            call = undefined;
            buttons();
          });
        }
        buttons();
        // The agent resumed a held caller, or a supervisor asked to listen in: their own request rings back, so it is taken at once.
        const parameters = incoming.customParameters;
        if (parameters?.get('resume') === '1' || parameters?.get('supervise')) incoming.accept();
      });
      window.addEventListener('beforeunload', () => device.destroy());
      await device.register();
    } catch (error) {
      down(error);
    }
  })();
}
