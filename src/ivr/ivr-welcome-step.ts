import { speak, type VoiceResponse } from '../platform/twiml.js';
import type { ChoiceStep } from './ivr-choice-step.js';
import type { IvrCall, IvrKit } from './ivr-context.js';
import { interpretInput, type Choosable, type GatherInput } from './ivr-input.js';
import { buildWelcome, openGather } from './ivr-twiml.js';
import { menuNode } from './menu-graph.js';

/** The IVR's other steps the first answer leads to: the start menu, a queue, a person. */
export interface WelcomePaths {
  menuGather(call: IvrCall, nodeId: string, response: VoiceResponse): VoiceResponse;
  nodeUrl(call: IvrCall, nodeId: string): string;
  queue(
    call: IvrCall,
    target: { skill: string; label: string; commissionerId: string },
  ): Promise<VoiceResponse>;
  operator(call: IvrCall): Promise<VoiceResponse>;
  render(call: IvrCall, nodeId: string): Promise<VoiceResponse>;
}

/**
 * The first answer of a call (greeting, recording notice, announcements, then the after-hours
 * choice, the commissioner offer or the start node) and the answer to the commissioner offer.
 */
export function createWelcomeStep(kit: IvrKit, closed: ChoiceStep, paths: WelcomePaths) {
  const { voice, catalogue, calendar } = kit.deps;
  const { log } = kit;
  const { prompts } = catalogue;
  const speech = kit.deps.telephony.speechInput;

  /** The announcements running now for the call's hotline; none when they cannot be read. */
  function announcementsFor(call: IvrCall): Promise<string[]> {
    return kit.deps.announcements.current(call.hotline).catch((error: unknown) => {
      log.warn(
        { callSid: call.callSid, err: (error as Error).message },
        'could not read announcements',
      );
      return [];
    });
  }

  /**
   * Prepared welcomes: every caller of a hotline hears the same first answer within a minute,
   * unless they are an enterprise's (the commissioner offer names it). Kept per hotline, minute,
   * announcements and calendar version, so that a new announcement or closure is heard at once.
   */
  const prepared = new Map<string, { xml: string; path: IvrCall['path'] }>();
  let preparedFor = '';

  function welcome(call: IvrCall, announcements: readonly string[]): VoiceResponse {
    const response = buildWelcome({
      hotline: call.hotline,
      consent: call.menu.consent,
      consentAudioUrl: call.menu.consentAudioUrl,
      announcements,
      voice,
    });
    if (!closed.hotlineOpen(call)) {
      // Closed is said first: why, the hours and the next opening, then the after-hours choice; the working-hours menu is not played.
      kit.step(call, 'choice-closed', 'entered');
      return closed.choice(call, 'closed', call.hotline.department, 0, { explain: true, response });
    }
    const enterprise = catalogue.enterpriseByPhone(call.from);
    if (enterprise) {
      kit.step(call, 'commissioner-offer', 'entered', enterprise.enterprise.id);
      const gather = openGather(
        response,
        commissionerChoices(enterprise.commissioner.name),
        kit.url('/ivr/commissioner', { menu: call.menu.id }),
        speech,
      );
      speak(
        gather,
        voice,
        prompts.say('ivr.commissioner.offer', {
          enterprise: enterprise.enterprise.name,
          commissioner: enterprise.commissioner.name,
        }),
      );
      return response;
    }
    const start = menuNode(call.menu, call.menu.start);
    kit.step(call, call.menu.start, 'entered');
    if (start?.kind === 'menu') return paths.menuGather(call, call.menu.start, response);
    response.redirect({ method: 'POST' }, paths.nodeUrl(call, call.menu.start));
    return response;
  }

  return {
    /** The first answer, as TwiML: greeting, recording notice, announcements, then the commissioner offer or the start node. Writes nothing but the call's path. */
    async welcome(call: IvrCall): Promise<string> {
      const announcements = await announcementsFor(call);
      if (catalogue.enterpriseByPhone(call.from)) return welcome(call, announcements).toString();
      const generation = `${Math.floor(kit.now().getTime() / 60_000)}|${calendar.version()}`;
      if (generation !== preparedFor) {
        prepared.clear();
        preparedFor = generation;
      }
      const key = `${call.menu.id}|${call.hotline.number}|${announcements.join('\n')}`;
      let answer = prepared.get(key);
      if (answer) {
        call.path.push(...answer.path);
      } else {
        const xml = welcome(call, announcements).toString();
        answer = { xml, path: call.path.map((step) => ({ ...step })) };
        prepared.set(key, answer);
      }
      return answer.xml;
    },

    /** The answer to the commissioner offer: 1 queues for the commissioner, anything else goes to the menu. */
    async commissionerInput(call: IvrCall, input: GatherInput): Promise<VoiceResponse> {
      const enterprise = catalogue.enterpriseByPhone(call.from);
      const result = enterprise
        ? interpretInput(input, commissionerChoices(enterprise.commissioner.name))
        : ({ kind: 'timeout' } as const);
      kit.step(
        call,
        'commissioner-offer',
        result.kind === 'choice' ? `key-${result.key}` : result.kind,
        'heard' in result ? result.heard : null,
      );
      if (enterprise && result.kind === 'choice' && result.key === '1') {
        const { commissioner } = enterprise;
        return paths.queue(call, {
          skill: commissioner.department,
          label: prompts.say('ivr.commissioner.label', { name: commissioner.name }),
          commissionerId: commissioner.id,
        });
      }
      if (result.kind === 'operator') return paths.operator(call);
      return paths.render(call, call.menu.start);
    },
  };
}

function commissionerChoices(name: string): Choosable[] {
  return [
    { key: '1', label: '转接专员', keywords: ['专员', '转接', name] },
    { key: '2', label: '其他业务', keywords: ['其他', '别的', '菜单'] },
  ];
}
