/* global window, WebSocket -- browser code, served as is to the panel's pages */

/**
 * The test phone answering calls to its own number (an agent's 外呼 on the built-in provider): a
 * socket that registers the number with the provider, which rings it for a `<Dial><Number>` of it;
 * 接听 and 挂断 act on the call received. The page's status, captions and audio are passed in.
 */
export function createReceiver({ $, status, caption, endAudio, onSignal }) {
  /** The call ringing or answered on this phone's number: its leg, and the socket it came on. */
  const received = { legSid: '', socket: undefined };
  const socketUrl = (path) =>
    `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${path}`;
  const sendReceived = (message) =>
    received.socket?.readyState === WebSocket.OPEN &&
    received.socket.send(JSON.stringify({ ...message, legSid: received.legSid }));
  const ended = (words) => {
    received.legSid = '';
    $('answer-call').hidden = true;
    endAudio();
    status('ended');
    caption(words, 'note');
  };

  return {
    /** Registers the number in the 来电号码 field (E.164), replacing the last one. */
    listen() {
      received.socket?.close();
      received.socket = undefined;
      const number = $('from').value.trim();
      if (!/^\+[0-9]{5,20}$/.test(number)) return;
      const ws = new WebSocket(socketUrl('/telephony/caller'));
      received.socket = ws;
      const out = (message) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
      ws.addEventListener('open', () => out({ type: 'listen', number }));
      ws.addEventListener('message', ({ data }) => {
        const message = JSON.parse(data);
        if (message.type === 'registered') $('call-status').dataset.listening = number;
        else if (message.type === 'incoming') {
          received.legSid = message.legSid;
          $('captions').replaceChildren();
          caption(`来电：${message.from}`, 'note');
          status('incoming', `：${message.from}`);
          $('answer-call').hidden = false;
          $('hang-up').disabled = false;
        } else if (message.type === 'cancel' || message.type === 'hangup') ended('（对方已挂断）');
        else if (message.type === 'signal')
          onSignal(message.data, (signal) =>
            out({ type: 'signal', legSid: message.legSid, data: signal }),
          );
      });
    },
    answer() {
      sendReceived({ type: 'answer' });
      $('answer-call').hidden = true;
      status('answered');
      caption('（已接听）', 'note');
    },
    /** Hangs up (or rejects) the call received; false when there is none. */
    hangUp() {
      if (!received.legSid) return false;
      sendReceived({ type: $('call-status').dataset.state === 'incoming' ? 'reject' : 'hangup' });
      ended('（您已挂断）');
      return true;
    },
  };
}
