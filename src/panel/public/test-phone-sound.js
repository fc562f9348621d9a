// @ts-check
/* global window, AudioContext -- browser code, served as is to the panel's pages */
/** What the test phone's caller hears besides the agent: the prompts spoken, and the hold music. */

/**
 * Says a prompt with the browser's Mandarin voice, when it has one; the caption is shown either way.
 * @param {string} text
 */
export function speak(text) {
  const synthesis = window.speechSynthesis;
  const voice = synthesis?.getVoices().find((v) => v.lang.replace('_', '-').startsWith('zh'));
  if (!voice) return;
  const utterance = new window.SpeechSynthesisUtterance(text);
  utterance.voice = voice;
  utterance.lang = voice.lang;
  synthesis.speak(utterance);
}

/** Hold music made in the page (a soft two-note chime): nothing is fetched from outside. */
export function holdMusic() {
  /** @type {AudioContext | undefined} */
  let context;
  return {
    start() {
      if (context || !window.AudioContext) return;
      const playing = new AudioContext();
      context = playing;
      const gain = playing.createGain();
      gain.gain.value = 0.03;
      gain.connect(playing.destination);
      [523.25, 659.25].forEach((frequency, i) => {
        const tone = playing.createOscillator();
        tone.frequency.value = frequency;
        tone.connect(gain);
        tone.start(playing.currentTime + i * 0.6);
        tone.stop(playing.currentTime + i * 0.6 + 0.5);
      });
    },
    stop() {
      void context?.close();
      context = undefined;
    },
  };
}
