// @ts-check
/* global document, window, WebSocket, RTCPeerConnection, Audio, navigator -- browser code, served as is to the panel's pages */
import { mountFrame } from './layout.js';
import { conferencePeers } from './conference-peers.js';
import { api, maskPhone, toLoginOn401 } from './panel-api.js';
import { holdMusic, speak } from './test-phone-sound.js';
import { createReceiver } from './test-phone-receive.js';

/** @typedef {import('../panel-types.js').CallerSocketMessage} CallerSocketMessage */
/** @typedef {import('../panel-types.js').PartyEvent} PartyEvent */
/** @typedef {import('../panel-types.js').PublicHotline} PublicHotline */
/** @typedef {import('../panel-types.js').TelephonyInbox} TelephonyInbox */
/**
 * WebRTC signalling between the two pages, relayed by the provider as it is.
 * @typedef {{ description?: RTCSessionDescriptionInit | null, candidate?: RTCIceCandidateInit, peer?: string, hold?: boolean }} Signal
 */
/**
 * What the page sends the callers' socket.
 * @typedef {{ type: 'dial', from: string, to: string } | { type: 'press', digits: string }
 *   | { type: 'speak', text: string } | { type: 'hangup' } | { type: 'signal', data: Signal }} CallerRequest
 */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const field = (id) => /** @type {HTMLInputElement | HTMLSelectElement} */ ($(id));
/** @param {string} id */
const button = (id) => /** @type {HTMLButtonElement} */ ($(id));
/** @typedef {keyof typeof STATUS} CallStatus */
const STATUS = {
  idle: '未拨号',
  dialling: '呼叫中…',
  menu: '通话中（语音菜单）',
  queued: '排队等待中',
  ringing: '正在转接坐席…',
  connected: '已接通坐席',
  incoming: '来电振铃中',
  answered: '通话中（已接听来电）',
  ended: '通话已结束',
};

/** @type {WebSocket | undefined} */
let socket;
/** @type {RTCPeerConnection | undefined} */
let peer;
/** @type {MediaStream | undefined} */
let microphone;
/** @type {Promise<unknown>} */
let signalling = Promise.resolve();
const music = holdMusic();
/** A supervisor listening in (监听, 耳语, 强插): their page offers, this one answers. */
const conference = conferencePeers(
  (data) => send({ type: 'signal', data }),
  () => ($('phone-error').textContent = '通话音频连接失败'),
);

/**
 * @param {CallStatus} state
 * @param {string} [detail]
 */
function status(state, detail = '') {
  $('call-status').textContent = `${STATUS[state]}${detail}`;
  $('call-status').dataset.state = state;
  const live = state !== 'idle' && state !== 'ended';
  button('dial').disabled = live;
  button('hang-up').disabled = !live;
}

/**
 * @param {string} text
 * @param {'system' | 'music' | 'note' | 'caller'} [kind]
 */
function caption(text, kind = 'system') {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = text;
  $('captions').append(item);
  item.scrollIntoView({ block: 'nearest' });
}

/**
 * The agent's desk sends its offer once it answered (or, for a call to this phone, once this phone
 * answered): answered here, peer to peer; `reply` sends this page's signalling back. A conference
 * party's signalling (a supervisor listening or barging in) goes to its own connection.
 * @param {Signal} data
 * @param {(out: Signal) => void} [reply]
 */
function onSignal(data, reply = (out) => send({ type: 'signal', data: out })) {
  // Held in the conference (咨询转接): the hold music plays, this phone's microphone goes to no one.
  if (typeof data.hold === 'boolean' && !data.peer) {
    const track = data.hold ? null : (microphone?.getAudioTracks()[0] ?? null);
    for (const sender of peer?.getSenders() ?? []) void sender.replaceTrack(track);
    if (data.hold) {
      music.start();
      caption('（等待音乐）坐席正在咨询同事，请稍候', 'music');
    } else music.stop();
    return;
  }
  if (conference.signal(data)) return;
  signalling = signalling
    .then(async () => {
      if (!peer) {
        peer = new RTCPeerConnection({ iceServers: [] });
        microphone = await navigator.mediaDevices
          .getUserMedia({ audio: true, video: false })
          .catch(() => undefined);
        if (microphone)
          for (const track of microphone.getTracks()) peer.addTrack(track, microphone);
        peer.addEventListener('icecandidate', ({ candidate }) => candidate && reply({ candidate }));
        peer.addEventListener('track', ({ streams }) => {
          const audio = new Audio();
          audio.autoplay = true;
          audio.srcObject = streams[0] ?? null;
        });
      }
      if (data.description) {
        await peer.setRemoteDescription(data.description);
        if (data.description.type === 'offer') {
          await peer.setLocalDescription(await peer.createAnswer());
          reply({ description: peer.localDescription });
        }
      }
      if (data.candidate) await peer.addIceCandidate(data.candidate);
    })
    .catch(() => ($('phone-error').textContent = '通话音频连接失败'));
}

function endAudio() {
  music.stop();
  conference.close();
  peer?.close();
  peer = undefined;
  for (const track of microphone?.getTracks() ?? []) track.stop();
  microphone = undefined;
  signalling = Promise.resolve();
}

/** @param {CallerRequest} message */
const send = (message) =>
  socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));

/** @param {PartyEvent} event */
function onEvent(event) {
  if (event.kind !== 'play') music.stop();
  switch (event.kind) {
    case 'say':
      caption(`系统：${event.text}`);
      speak(event.text);
      break;
    case 'play':
      caption('♪ 等待音乐', 'music');
      music.start();
      break;
    case 'gather':
      if ($('call-status').dataset.state === 'dialling') status('menu');
      break;
    case 'queue':
      status('queued', `：第 ${event.position} 位`);
      break;
    case 'ringing':
      status('ringing');
      break;
    case 'connected':
      status('connected');
      caption('（坐席已接听）', 'note');
      break;
    case 'disconnected':
      caption('（坐席已挂断）', 'note');
      break;
    case 'ended':
      endAudio();
      status('ended');
      caption(event.by === 'party' ? '（您已挂断）' : '（通话结束）', 'note');
      void refreshInbox();
      break;
  }
}

function dial() {
  $('phone-error').textContent = '';
  $('captions').replaceChildren();
  const from = field('from').value.trim();
  if (!/^\+?[0-9]{5,20}$/.test(from)) {
    $('phone-error').textContent = '来电号码格式不正确，例如 +8613904691234';
    return;
  }
  status('dialling');
  socket = new WebSocket(
    `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/telephony/caller`,
  );
  socket.addEventListener('open', () => send({ type: 'dial', from, to: field('hotline').value }));
  socket.addEventListener('message', ({ data }) => {
    /** @type {CallerSocketMessage} */
    const message = JSON.parse(data);
    if (message.type === 'event') onEvent(message.event);
    else if (message.type === 'signal') onSignal(/** @type {Signal} */ (message.data));
    else if (message.type === 'error') $('phone-error').textContent = '拨号失败，请检查号码';
  });
  socket.addEventListener('close', () => {
    if ($('call-status').dataset.state !== 'ended') {
      endAudio();
      status('ended');
    }
  });
}

async function refreshInbox() {
  const from = field('from').value.trim();
  if (!from) return;
  try {
    const { messages } = /** @type {TelephonyInbox} */ (
      await api('GET', `/telephony/inbox?number=${encodeURIComponent(from)}`)
    );
    $('inbox').replaceChildren(
      ...(messages.length
        ? messages.map((m) => {
            const item = document.createElement('li');
            item.textContent = `${new Date(m.sentAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })}：${m.body}`;
            return item;
          })
        : [
            Object.assign(document.createElement('li'), {
              textContent: `尾号${maskPhone(from).slice(-4)}暂无短信`,
              className: 'hint',
            }),
          ]),
    );
  } catch (error) {
    if (!toLoginOn401(error))
      $('inbox').replaceChildren(
        Object.assign(document.createElement('li'), {
          textContent: '收件箱暂时无法读取',
          className: 'error',
        }),
      );
  }
}

async function start() {
  void mountFrame();
  try {
    const hotlines = /** @type {PublicHotline[]} */ (await api('GET', '/api/hotlines'));
    $('hotline').replaceChildren(
      ...hotlines.map((h) =>
        Object.assign(document.createElement('option'), {
          value: h.number,
          textContent: `${h.name}（${h.hall}）`,
        }),
      ),
    );
  } catch (error) {
    if (!toLoginOn401(error)) $('phone-error').textContent = '热线列表暂时无法读取';
  }
  $('dial').addEventListener('click', dial);
  const receiver = createReceiver({ $, status, caption, endAudio, onSignal });
  $('hang-up').addEventListener('click', () => {
    if (!receiver.hangUp()) send({ type: 'hangup' });
  });
  $('answer-call').addEventListener('click', receiver.answer);
  const keys = /** @type {NodeListOf<HTMLButtonElement>} */ (
    document.querySelectorAll('#keypad button')
  );
  for (const key of keys) {
    key.addEventListener('click', () => {
      send({ type: 'press', digits: key.dataset.key ?? '' });
      caption(`来电者：按 ${key.dataset.key}`, 'caller');
    });
  }
  $('speech-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = field('speech').value.trim();
    if (!text) return;
    send({ type: 'speak', text });
    caption(`来电者：说“${text}”`, 'caller');
    field('speech').value = '';
  });
  $('from').addEventListener('change', () => {
    void refreshInbox();
    receiver.listen();
  });
  receiver.listen();
  window.setInterval(() => void refreshInbox(), 5000);
  status('idle');
  await refreshInbox();
}

void start();
