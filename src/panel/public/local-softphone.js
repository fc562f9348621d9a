// @ts-check
/* global window, document, WebSocket, RTCPeerConnection, Audio, navigator -- browser code, served as is to the panel's pages */
import { conferencePeers } from './conference-peers.js';

/** @typedef {import('../panel-types.js').LocalSoftphone} LocalSoftphone */
/** @typedef {import('../panel-types.js').PhoneSocketMessage} PhoneSocketMessage */
/** @typedef {import('./softphone.js').PanelCall} PanelCall */
/** @typedef {import('./softphone.js').PhoneHooks} PhoneHooks */
/**
 * WebRTC signalling between the two pages, relayed by the provider as it is.
 * @typedef {{ description?: RTCSessionDescriptionInit | null, candidate?: RTCIceCandidateInit, peer?: string, hold?: boolean }} Signal
 */
/** @typedef {PanelCall & { signal(data: Signal): void, close(): void }} Leg */

/**
 * The softphone of the built-in telephony provider (`npm start` without a Twilio account): a
 * WebSocket registers the agent with the provider, which rings it for its Dials. Answering sets up
 * the audio with the caller's page peer to peer (WebRTC, microphone by getUserMedia); the provider
 * only passes the offer, the answer and the ICE candidates between the two pages.
 */
/**
 * @param {LocalSoftphone} info
 * @param {PhoneHooks} hooks
 */
export function startLocalPhone(info, { show, down, ringing, changed, ended }) {
  const socket = new WebSocket(
    `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${info.socket}`,
  );
  /** @param {{ type: 'answer' | 'reject' | 'hangup' | 'signal', legSid: string, data?: Signal }} message */
  const send = (message) =>
    socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));
  /** @type {Map<string, Leg>} */
  const legs = new Map();

  /**
   * @param {string} legSid
   * @param {Record<string, string>} [parameters]
   * @returns {Leg}
   */
  function leg(legSid, parameters = {}) {
    let state = 'pending';
    // A conference's other participants (a supervisor listening in, or the parties a supervisor hears).
    const conference = conferencePeers(
      (data) => send({ type: 'signal', legSid, data }),
      (/** @type {unknown} */ error) => down(error, '通话音频连接失败'),
    );
    let muted = false;
    /** @type {RTCPeerConnection | undefined} */
    let peer;
    /** @type {MediaStream | undefined} */
    let microphone;
    // Signalling is handled in order: a candidate never runs ahead of the description it belongs to.
    let signalling = Promise.resolve();
    const close = () => {
      if (state === 'closed') return;
      state = 'closed';
      peer?.close();
      conference.close();
      for (const track of microphone?.getTracks() ?? []) track.stop();
      legs.delete(legSid);
      ended();
    };
    /** @type {Leg} */
    const call = {
      status: () => state,
      isMuted: () => muted,
      accept: async () => {
        send({ type: 'answer', legSid });
        state = 'open';
        changed();
        // A supervisor's leg has no audio of its own: the provider introduces the parties it hears.
        if (parameters.supervise) return;
        try {
          microphone = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
        } catch (error) {
          down(error, '无法使用麦克风，请允许浏览器使用麦克风');
        }
        peer = new RTCPeerConnection({ iceServers: [] });
        if (microphone)
          for (const track of microphone.getTracks()) peer.addTrack(track, microphone);
        else peer.addTransceiver('audio', { direction: 'recvonly' });
        peer.addEventListener(
          'icecandidate',
          ({ candidate }) => candidate && send({ type: 'signal', legSid, data: { candidate } }),
        );
        peer.addEventListener('track', ({ streams }) => {
          const audio = new Audio();
          audio.autoplay = true;
          audio.srcObject = streams[0] ?? null;
        });
        await peer.setLocalDescription(await peer.createOffer());
        send({ type: 'signal', legSid, data: { description: peer.localDescription } });
      },
      reject: () => {
        send({ type: 'reject', legSid });
        close();
      },
      disconnect: () => {
        send({ type: 'hangup', legSid });
        close();
      },
      mute: (on) => {
        muted = on;
        for (const track of microphone?.getAudioTracks() ?? []) track.enabled = !on;
        changed();
      },
      signal: (data) => {
        // The caller held in the conference (咨询转接): the call's own audio stops both ways.
        if (typeof data.hold === 'boolean' && data.peer && !conference.has(data.peer)) {
          const track = data.hold ? null : (microphone?.getAudioTracks()[0] ?? null);
          for (const sender of peer?.getSenders() ?? []) void sender.replaceTrack(track);
          return;
        }
        if (conference.signal(data)) return;
        signalling = signalling
          .then(async () => {
            if (!peer) return;
            if (data.description) await peer.setRemoteDescription(data.description);
            if (data.candidate) await peer.addIceCandidate(data.candidate);
          })
          .catch((error) => down(error, '通话音频连接失败'));
      },
      close,
    };
    legs.set(legSid, call);
    return call;
  }

  socket.addEventListener('open', () => show('软电话连接中…', false));
  socket.addEventListener('close', () =>
    down(new Error('local provider socket closed'), '与本机电话服务的连接已断开，请刷新页面'),
  );
  socket.addEventListener('message', ({ data }) => {
    /** @type {PhoneSocketMessage} */
    const message = JSON.parse(data);
    if (message.type === 'registered') show('软电话已连接（本机电话服务）', true);
    else if (message.type === 'incoming') {
      const call = leg(message.legSid, message.parameters);
      ringing(call);
      // The agent resumed a held caller, or a supervisor asked to listen: their own request rings back, so it is taken at once (as with the Voice SDK).
      if (message.parameters?.resume === '1' || message.parameters?.supervise) void call.accept();
    } else if (message.type === 'cancel' || message.type === 'hangup')
      legs.get(message.legSid)?.close();
    else if (message.type === 'signal')
      legs.get(message.legSid)?.signal(/** @type {Signal} */ (message.data));
  });
  window.addEventListener('beforeunload', () => socket.close());
  document.documentElement.dataset.softphone = 'local';
}
