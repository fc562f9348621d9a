/* global RTCPeerConnection, Audio, navigator -- browser code, served as is to the panel's pages */

/**
 * The audio of a conference on the built-in provider, one peer connection per other participant.
 * The provider introduces a participant added over REST (a supervisor) to each other one
 * (`{peer, join, send, receive}`): that page offers, sending its microphone only when `send`
 * (not when listening, nor to the caller when whispering) and receiving only when `receive`.
 * The others' pages answer with their microphone; `{peer, leave}` closes the connection.
 * `send(data)` passes signalling to the provider, which relays it to `data.peer`.
 * @param {(data: any) => unknown} send signalling tagged with its `peer`, as the page's socket sends it
 * @param {(error: unknown) => void} failed
 */
export function conferencePeers(send, failed) {
  const peers = new Map();
  let microphone;
  // Signalling is handled in order: a candidate never runs ahead of its description.
  let signalling = Promise.resolve();

  const ownMicrophone = async () => {
    microphone ??= await navigator.mediaDevices
      .getUserMedia({ audio: true, video: false })
      .catch(() => undefined);
    return microphone;
  };

  function open(peer) {
    peers.get(peer)?.close();
    const connection = new RTCPeerConnection({ iceServers: [] });
    peers.set(peer, connection);
    connection.addEventListener(
      'icecandidate',
      ({ candidate }) => candidate && send({ peer, candidate }),
    );
    connection.addEventListener('track', ({ streams }) => {
      const audio = new Audio();
      audio.autoplay = true;
      audio.srcObject = streams[0];
    });
    return connection;
  }

  async function handle(data) {
    const { peer } = data;
    if (data.leave) {
      peers.get(peer)?.close();
      peers.delete(peer);
    } else if (data.join) {
      const connection = open(peer);
      const mic = data.send ? await ownMicrophone() : undefined;
      const track = mic?.getAudioTracks()[0];
      if (track)
        connection.addTransceiver(track, {
          direction: data.receive ? 'sendrecv' : 'sendonly',
          streams: [mic],
        });
      else if (data.receive) connection.addTransceiver('audio', { direction: 'recvonly' });
      await connection.setLocalDescription(await connection.createOffer());
      send({ peer, description: connection.localDescription });
    } else if (data.description?.type === 'offer') {
      const connection = open(peer);
      await connection.setRemoteDescription(data.description);
      // After the offer: the track goes on the offer's own transceiver (sent only where it asks).
      const mic = await ownMicrophone();
      for (const track of mic?.getAudioTracks() ?? []) connection.addTrack(track, mic);
      await connection.setLocalDescription(await connection.createAnswer());
      send({ peer, description: connection.localDescription });
    } else if (data.description) await peers.get(peer)?.setRemoteDescription(data.description);
    else if (data.candidate) await peers.get(peer)?.addIceCandidate(data.candidate);
  }

  return {
    /** Whether this page has its own connection with `peer` (else `peer` is the call's other party). */
    has: (peer) => peers.has(peer),
    /** Takes the signalling addressed by peer; false for the call's own (no `peer`). */
    signal(data) {
      if (typeof data?.peer !== 'string') return false;
      // A hold of a peer of ours comes with its new introduction; nothing else to do.
      if (typeof data.hold === 'boolean') return true;
      signalling = signalling.then(() => handle(data)).catch(failed);
      return true;
    },
    close() {
      for (const connection of peers.values()) connection.close();
      peers.clear();
      for (const track of microphone?.getTracks() ?? []) track.stop();
      microphone = undefined;
    },
  };
}
