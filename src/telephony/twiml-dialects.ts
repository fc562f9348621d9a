import type { Verb } from './twiml-reader.js';

/** One element a dialect executes: the attributes it reads and what it may hold. */
interface ElementRule {
  /** Attribute names; `name=value` allows that one value only (what the provider does without reading it). */
  attributes: readonly string[];
  /** Child elements allowed inside it (nouns of Dial, nested verbs of Gather). */
  children?: readonly string[];
}

/** The elements a provider executes, top-level verbs and nested ones, by name. */
export interface TwimlDialect {
  name: string;
  verbs: Readonly<Record<string, ElementRule>>;
  nested: Readonly<Record<string, ElementRule>>;
}

const statusAttributes = [
  'statusCallback',
  'statusCallbackEvent',
  'statusCallbackMethod',
  'url',
  'method',
] as const;

/**
 * Twilio's TwiML as this provider executes it: the verbs the service uses, with the attributes of
 * Twilio's documentation (twilio.com/docs/voice/twiml) that its engine honours.
 */
const TWILIO: TwimlDialect = {
  name: 'twilio',
  verbs: {
    Say: { attributes: ['voice', 'language', 'loop'] },
    Play: { attributes: ['loop', 'digits'] },
    Pause: { attributes: ['length'] },
    Gather: {
      attributes: [
        'action',
        'method',
        'timeout',
        'numDigits',
        'finishOnKey',
        'actionOnEmptyResult',
        'input',
        'hints',
        'language',
        'speechTimeout',
        'speechModel',
        'profanityFilter',
        'enhanced',
        'bargeIn',
      ],
      children: ['Say', 'Play', 'Pause'],
    },
    Enqueue: { attributes: ['action', 'method', 'waitUrl', 'waitUrlMethod'] },
    Leave: { attributes: [] },
    Redirect: { attributes: ['method'] },
    Dial: {
      attributes: [
        'action',
        'method',
        'timeout',
        'answerOnBridge',
        'timeLimit',
        'callerId',
        'record',
        'recordingStatusCallback',
        'recordingStatusCallbackMethod',
        'recordingStatusCallbackEvent',
        'hangupOnStar',
        'ringTone',
        'trim',
      ],
      children: ['Client', 'Sip', 'Number', 'Conference'],
    },
    Record: {
      attributes: [
        'action',
        'method',
        'timeout',
        'finishOnKey',
        'maxLength',
        'playBeep',
        'trim',
        'recordingStatusCallback',
        'recordingStatusCallbackMethod',
        'recordingStatusCallbackEvent',
      ],
    },
    Reject: { attributes: ['reason'] },
    Hangup: { attributes: [] },
  },
  nested: {
    Say: { attributes: ['voice', 'language', 'loop'] },
    Play: { attributes: ['loop', 'digits'] },
    Pause: { attributes: ['length'] },
    Client: { attributes: [...statusAttributes], children: ['Identity', 'Parameter'] },
    Identity: { attributes: [] },
    Parameter: { attributes: ['name', 'value'] },
    Sip: { attributes: [...statusAttributes, 'username', 'password'] },
    Number: { attributes: [...statusAttributes, 'sendDigits'] },
    Conference: {
      attributes: [
        'statusCallback',
        'statusCallbackEvent',
        'statusCallbackMethod',
        'startConferenceOnEnter',
        'endConferenceOnExit',
        'beep',
        'waitUrl',
        'waitMethod',
      ],
    },
  },
};

/**
 * What Somleng's switch executes, read from somleng/somleng-switch (commit 3442ba8):
 * components/app/app/workflows/execute_twiml.rb (the verbs; any other element is "Invalid element"),
 * components/app/app/models/twiml/{say,play,gather,dial,record,redirect,reject}_verb.rb (the
 * attributes each reads and the nesting each allows: Dial holds Number and Sip, Gather holds Say
 * and Play). Somleng ignores the attributes it does not read; this provider refuses them, so that
 * "runs on Somleng" is a tested claim: an attribute Somleng would silently drop (answerOnBridge,
 * timeLimit, record) changes what the caller gets. `<Connect><Stream>` is left out: the local
 * provider streams no media to a WebSocket.
 */
const TWIML_CORE: TwimlDialect = {
  name: 'twiml-core',
  verbs: {
    Reject: { attributes: ['reason'] },
    Play: { attributes: ['loop'] },
    // Somleng's Gather hears keys only: it does not read `input`, so input="dtmf" asks for exactly what it does.
    Gather: {
      attributes: [
        'action',
        'method',
        'timeout',
        'numDigits',
        'finishOnKey',
        'actionOnEmptyResult',
        'input=dtmf',
      ],
      children: ['Say', 'Play'],
    },
    Redirect: { attributes: ['method'] },
    Say: { attributes: ['loop', 'voice', 'language'] },
    Dial: { attributes: ['action', 'method', 'callerId', 'timeout'], children: ['Number', 'Sip'] },
    Hangup: { attributes: [] },
    Record: {
      attributes: [
        'action',
        'method',
        'recordingStatusCallback',
        'recordingStatusCallbackMethod',
        'maxLength',
        'timeout',
        'playBeep',
        'finishOnKey',
      ],
    },
  },
  nested: {
    Say: { attributes: ['loop', 'voice', 'language'] },
    Play: { attributes: ['loop'] },
    Number: { attributes: [] },
    Sip: { attributes: [] },
  },
};

const DIALECTS: Record<string, TwimlDialect> = { twilio: TWILIO, 'twiml-core': TWIML_CORE };

/** The dialect of a telephony profile's name (`twilio` or `twiml-core`). */
export function twimlDialect(profile: string): TwimlDialect {
  const dialect = DIALECTS[profile];
  if (!dialect) throw new Error(`no TwiML dialect named ${profile}`);
  return dialect;
}

/**
 * The first thing of a verb the dialect does not execute, said as the log says it
 * (`<Dial> attribute answerOnBridge`, `<Client> within <Dial>`), or undefined when it runs whole.
 */
export function unsupportedIn(
  dialect: TwimlDialect,
  verb: Verb,
  parent?: { name: string; rule: ElementRule },
): string | undefined {
  const rule = parent
    ? parent.rule.children?.includes(verb.name)
      ? dialect.nested[verb.name]
      : undefined
    : dialect.verbs[verb.name];
  if (!rule) return parent ? `<${verb.name}> within <${parent.name}>` : `verb <${verb.name}>`;
  const attribute = Object.entries(verb.attributes).find(
    ([name, value]) =>
      !rule.attributes.includes(name) && !rule.attributes.includes(`${name}=${value}`),
  );
  if (attribute) return `<${verb.name}> attribute ${attribute[0]}="${attribute[1]}"`;
  for (const child of verb.children) {
    const problem = unsupportedIn(dialect, child, { name: verb.name, rule });
    if (problem) return problem;
  }
  return undefined;
}
