/*
 * The Twilio Voice SDK's sounds (ring, ring-back, hang-up, key tones), made by the app: the SDK
 * package ships none and fetches them from Twilio's CDN by default, which a hall's network may not
 * reach and which is slow from the mainland. The softphone hands the Device these URLs instead.
 */

const RATE = 8000;

/** A tone: frequencies played together for `seconds`, or silence when there are none. */
type Tone = { hz: readonly number[]; seconds: number };

const tone = (seconds: number, ...hz: number[]): Tone => ({ hz, seconds });
const pause = (seconds: number): Tone => ({ hz: [], seconds });

// DTMF key tones: the standard row and column frequency pairs (ITU-T Q.23).
const ROWS = [697, 770, 852, 941] as const;
const COLUMNS = [1209, 1336, 1477] as const;
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const dtmf = (key: string): Tone[] => {
  const i = KEYS.indexOf(key);
  return [tone(0.15, ROWS[Math.floor(i / 3)]!, COLUMNS[i % 3]!)];
};

/** The sounds by the SDK's names (`Device.SoundName`); China's 450 Hz tones for ringing and hang-up. */
const SOUNDS: Record<string, Tone[]> = {
  // The agent's ring, looped by the SDK while a call is offered.
  incoming: [tone(0.4, 450, 500), pause(0.2), tone(0.4, 450, 500), pause(1.5)],
  // Ring-back while the agent's own call is placed (the SDK stops it after 3 s).
  outgoing: [tone(1, 450), pause(1)],
  disconnect: [tone(0.15, 450), pause(0.1), tone(0.15, 450), pause(0.1), tone(0.15, 450)],
  dtmf0: dtmf('0'),
  dtmf1: dtmf('1'),
  dtmf2: dtmf('2'),
  dtmf3: dtmf('3'),
  dtmf4: dtmf('4'),
  dtmf5: dtmf('5'),
  dtmf6: dtmf('6'),
  dtmf7: dtmf('7'),
  dtmf8: dtmf('8'),
  dtmf9: dtmf('9'),
  dtmfs: dtmf('*'),
  dtmfh: dtmf('#'),
};

/** The names of the sounds the softphone serves, as the SDK's `sounds` option names them. */
export const SOFTPHONE_SOUND_NAMES = Object.keys(SOUNDS);

/** 16-bit mono PCM WAV of the tones, each tone faded in and out over 5 ms so it does not click. */
function wav(tones: readonly Tone[]): Buffer {
  const samples = tones.flatMap(({ hz, seconds }) => {
    const n = Math.round(seconds * RATE);
    const fade = RATE * 0.005;
    return Array.from({ length: n }, (_, i) => {
      const envelope = Math.min(1, i / fade, (n - 1 - i) / fade);
      const sum = hz.reduce((s, f) => s + Math.sin((2 * Math.PI * f * i) / RATE), 0);
      return hz.length ? Math.round((sum / hz.length) * envelope * 0.5 * 32767) : 0;
    });
  });
  const data = samples.length * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(RATE, 24);
  out.writeUInt32LE(RATE * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(data, 40);
  samples.forEach((s, i) => out.writeInt16LE(s, 44 + i * 2));
  return out;
}

const made = new Map<string, Buffer>();

/** The sound's WAV file (made once, then kept), or undefined for a name the SDK does not use. */
export function softphoneSound(name: string): Buffer | undefined {
  const tones = Object.hasOwn(SOUNDS, name) ? SOUNDS[name] : undefined;
  if (!tones) return undefined;
  let file = made.get(name);
  if (!file) made.set(name, (file = wav(tones)));
  return file;
}
