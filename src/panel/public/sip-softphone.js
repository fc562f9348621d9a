// @ts-check
/* global window, document, Audio -- browser code, served as is to the panel's pages */

/** @typedef {typeof import('jssip')} JsSip */
/** @typedef {import('jssip/lib/RTCSession.js').RTCSession} RTCSession */
/** @typedef {import('./softphone.js').PanelCall} PanelCall */
/** @typedef {import('./softphone.js').PhoneHooks} PhoneHooks */
/** @typedef {Extract<import('../panel-types.js').SoftphoneRegistration, { kind: 'sip' }>} SipAccount */

/** The bundle (vendor/jssip.min.js) sets window.JsSIP when it loaded. */
const loaded = () => /** @type {{ JsSIP?: JsSip }} */ (/** @type {unknown} */ (window)).JsSIP;

/**
 * Loads the app's JsSIP bundle (never a CDN: the CSP allows scripts from the app only).
 * @returns {Promise<JsSip>}
 */
function loadJsSip() {
  const ready = loaded();
  if (ready) return Promise.resolve(ready);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = 'vendor/jssip.min.js';
    script.onload = () => {
      const JsSIP = loaded();
      if (JsSIP) resolve(JsSIP);
      else reject(new Error('JsSIP not loaded'));
    };
    script.onerror = () => reject(new Error('JsSIP not loaded'));
    document.head.append(script);
  });
}

/**
 * A JsSIP session seen through the calls the panel's buttons make (the Voice SDK Call's shape).
 * @param {RTCSession} session
 * @returns {PanelCall}
 */
function asCall(session) {
  return {
    status: () => (session.isEstablished() ? 'open' : session.isEnded() ? 'closed' : 'pending'),
    isMuted: () => Boolean(session.isMuted().audio),
    accept: () => session.answer({ mediaConstraints: { audio: true, video: false } }),
    // 486 Busy Here: the provider's Dial ends as busy and routing counts a missed offer, as on Twilio.
    reject: () => session.terminate({ status_code: 486 }),
    disconnect: () => session.terminate(),
    mute: (on) => (on ? session.mute({ audio: true }) : session.unmute({ audio: true })),
  };
}

/**
 * The SIP softphone of a provider without the Voice SDK: a JsSIP user agent registered over
 * WebSocket with the agent's own SIP account ({ wsUrl, uri, password } from the API). Each
 * incoming INVITE rings on the panel's buttons; the call card itself comes from the server's offer.
 */
/**
 * @param {SipAccount} phone
 * @param {PhoneHooks} hooks
 */
export function startSipPhone(phone, { show, down, ringing, changed, ended }) {
  loadJsSip()
    .then((JsSIP) => {
      const ua = new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(phone.wsUrl)],
        uri: phone.uri,
        password: phone.password,
        register: true,
        session_timers: false,
        user_agent: 'hotline-panel',
      });
      ua.on('registered', () => show('软电话已注册', true));
      ua.on('unregistered', () => down(new Error('unregistered'), '已从SIP服务器注销'));
      ua.on('registrationFailed', (event) =>
        down(
          new Error(`${event.response?.status_code ?? ''} ${event.cause}`.trim()),
          '注册被拒绝，请检查软电话账号',
        ),
      );
      ua.on('disconnected', (event) =>
        down(
          new Error(`WebSocket ${event.code ?? ''} ${event.reason ?? ''}`.trim()),
          '无法连接到SIP服务器',
        ),
      );
      /** @param {import('jssip/lib/UA.js').RTCSessionEvent} event */
      const newSession = ({ originator, session }) => {
        if (originator !== 'remote') return;
        session.on('peerconnection', ({ peerconnection }) => {
          peerconnection.addEventListener('track', ({ streams }) => {
            const audio = new Audio();
            audio.autoplay = true;
            audio.srcObject = streams[0] ?? null;
          });
        });
        for (const name of /** @type {const} */ (['accepted', 'confirmed', 'muted', 'unmuted']))
          session.on(name, changed);
        for (const name of /** @type {const} */ (['ended', 'failed'])) session.on(name, ended);
        ringing(asCall(session));
      };
      ua.on('newRTCSession', newSession);
      window.addEventListener('beforeunload', () => ua.stop());
      ua.start();
    })
    .catch((error) => down(error, '语音组件未能加载'));
}
