import { shanghai } from '../platform/clock.js';
import type { VoiceResponse } from '../platform/twiml.js';
import type { CallbackTaker } from './ivr-callback-step.js';
import { MAX_ATTEMPTS, type IvrCall, type IvrKit } from './ivr-context.js';
import { interpretInput, type Choosable, type GatherInput } from './ivr-input.js';
import { buildChoice, buildGoodbye, spokenDay, spokenHours, spokenWhen } from './ivr-twiml.js';

/** Why the IVR offers a generated choice instead of a person: the hall is closed, or the queue could not take the call. */
export type ChoiceReason = 'closed' | 'busy';

type ChoiceAction = { kind: 'node'; node: string } | { kind: 'callback' } | { kind: 'goodbye' };
type Choice = Choosable & { action: ChoiceAction };

/** The IVR's other steps a generated choice leads to: a menu node, a person, a callback request. */
export interface ChoicePaths {
  render(call: IvrCall, nodeId: string): Promise<VoiceResponse>;
  operator(call: IvrCall): Promise<VoiceResponse>;
  callbacks: Pick<CallbackTaker, 'take'>;
}

/**
 * The generated choice offered instead of a person: after hours (why the hall is closed, its hours,
 * self-service and a callback) or when a queue could not take the call (a callback or the main menu).
 */
export function createChoiceStep(kit: IvrKit, paths: ChoicePaths) {
  const { voice, catalogue, calendar, ledger } = kit.deps;
  const { log } = kit;
  const { prompts } = catalogue;
  const speech = kit.deps.telephony.speechInput;

  function choices(call: IvrCall, reason: ChoiceReason): Choice[] {
    const list: Choice[] = [];
    if (reason === 'closed') {
      const booking = call.graph.first('booking');
      const lookup = call.graph.first('booking-lookup');
      if (booking)
        list.push({
          key: '1',
          label: prompts.say('ivr.choice.booking'),
          keywords: ['预约', '自助预约', '预约办理'],
          action: { kind: 'node', node: booking },
        });
      if (lookup)
        list.push({
          key: '2',
          label: prompts.say('ivr.choice.lookup'),
          keywords: ['查询预约', '取消预约', '我的预约'],
          action: { kind: 'node', node: lookup },
        });
      list.push({
        key: '3',
        label: prompts.say('ivr.choice.callback'),
        keywords: ['回电', '回拨', '打回来'],
        action: { kind: 'callback' },
      });
    } else {
      list.push({
        key: '1',
        label: prompts.say('ivr.choice.callback'),
        keywords: ['回电', '回拨', '打回来'],
        action: { kind: 'callback' },
      });
      list.push({
        key: '2',
        label: prompts.say('ivr.choice.mainMenu'),
        keywords: ['主菜单'],
        action: { kind: 'node', node: call.menu.start },
      });
    }
    list.push({
      key: '#',
      label: prompts.say('ivr.choice.end'),
      keywords: ['结束', '挂了', '再见', '没事了'],
      action: { kind: 'goodbye' },
    });
    return list;
  }

  /**
   * Why the hall is closed now (a closure, a holiday, the weekend, the lunch break, before or after
   * hours), its hours and when it opens next. In a year whose 调休 notice is not entered the
   * statutory holidays are still named, and the caller is told the bridging days are not known yet.
   */
  function closedExplanation(call: IvrCall, skill: string): string {
    const now = kit.now();
    const hall = kit.hallOf(skill, call);
    const at = calendar.openAt(hall.id, now);
    const day = at.day;
    const hhmm = shanghai(now).toFormat('HH:mm');
    let why: string;
    if (day.closure)
      why = prompts.say('ivr.closed.closure', { hall: hall.name, reason: day.closure.reason });
    else if (day.kind === 'holiday')
      why = prompts.say('ivr.closed.holiday', {
        holiday: day.name ?? prompts.say('ivr.closed.holidayName'),
        hall: hall.name,
      });
    else if (day.kind === 'uncertain')
      why = prompts.say('ivr.closed.uncertain', { name: day.name ?? '', hall: hall.name });
    else if (!day.working) why = prompts.say('ivr.closed.weekend', { hall: hall.name });
    else if (hall.hours.some((s) => s.to <= hhmm) && hall.hours.some((s) => s.from > hhmm))
      why = prompts.say('ivr.closed.lunch', { hall: hall.name });
    else if (hall.hours.some((s) => s.from > hhmm))
      why = prompts.say('ivr.closed.beforeHours', { hall: hall.name });
    else why = prompts.say('ivr.closed.afterHours', { hall: hall.name });
    if (at.guessed) {
      log.warn(
        { callSid: call.callSid, hall: hall.id, date: day.date },
        'no 调休 notice for this year: statutory holidays and the weekday rule only',
      );
      why += prompts.say('ivr.closed.noNotice');
    }
    // The law owes these days off but leaves their dates to the notice: neither open nor closed is promised.
    const uncertain =
      at.uncertainDays.length > 0
        ? prompts.say('ivr.closed.uncertainDays', {
            days: at.uncertainDays.map(spokenDay).join('、'),
          })
        : '';
    const when = at.nextOpening ? spokenWhen(at.nextOpening, now) : undefined;
    const next = !when
      ? ''
      : uncertain
        ? prompts.say('ivr.closed.nextCertain', { when })
        : prompts.say('ivr.closed.next', { when });
    return `${why}${prompts.say('ivr.closed.hours', { hall: hall.name, hours: spokenHours(hall) })}${uncertain}${next}`;
  }

  /** What the after-hours choice offers, in one sentence: only the paths this menu has. */
  function closedOffer(list: readonly Choice[]): string {
    const selfService = list.filter((c) => c.action.kind === 'node').map((c) => c.label);
    const callback = prompts.say('ivr.closed.offerCallback');
    return selfService.length > 0
      ? prompts.say('ivr.closed.offer', { selfService: selfService.join('、'), callback })
      : prompts.say('ivr.closed.offerCallbackOnly', { callback });
  }

  function choice(
    call: IvrCall,
    reason: ChoiceReason,
    skill: string,
    attempt: number,
    options: { leadIn?: string | undefined; explain?: boolean; response?: VoiceResponse } = {},
  ): VoiceResponse {
    const list = choices(call, reason);
    const spoken = list
      .map((c) =>
        prompts.say('ivr.choice.option', {
          label: c.label,
          key: c.key === '#' ? prompts.say('ivr.choice.hashKey') : c.key,
        }),
      )
      .join('；');
    const explanation =
      options.explain && reason === 'closed' ? closedExplanation(call, skill) : '';
    const offer = reason === 'closed' ? closedOffer(list) : '';
    return buildChoice({
      voice,
      leadIn: `${options.leadIn ?? ''}${explanation}${offer}` || undefined,
      prompt: prompts.say('ivr.choice.prompt', { options: spoken }),
      choices: list,
      action: kit.url('/ivr/choice', { menu: call.menu.id, reason, skill, attempt }),
      speech,
      ...(options.response ? { response: options.response } : {}),
    }) as VoiceResponse;
  }

  /** Whether the hall of the hotline's department receives callers now. */
  const hotlineOpen = (call: IvrCall) =>
    calendar.openAt(kit.hallOf(call.hotline.department, call).id, kit.now()).open;

  /** A generated choice's Gather result (after hours, or a queue that could not take the call). */
  async function choiceInput(
    call: IvrCall,
    reason: ChoiceReason,
    skill: string,
    attempt: number,
    input: GatherInput,
  ): Promise<VoiceResponse> {
    const list = choices(call, reason);
    const result = interpretInput(input, list);
    kit.step(call, `choice-${reason}`, result.kind, 'heard' in result ? result.heard : null);
    if (result.kind === 'choice') {
      const action = list.find((c) => c.key === result.key)!.action;
      if (action.kind === 'callback') return paths.callbacks.take(call, skill);
      if (action.kind === 'goodbye') {
        await ledger.markEndedInIvr(call.callSid);
        return buildGoodbye(voice, prompts.say('goodbye'));
      }
      return paths.render(call, action.node);
    }
    if (result.kind === 'repeat') return choice(call, reason, skill, attempt, { explain: true });
    // After hours the working-hours menu is not played: * repeats the after-hours choice.
    if (result.kind === 'back')
      return reason === 'closed'
        ? choice(call, reason, skill, attempt, { explain: true })
        : paths.render(call, call.menu.start);
    if (result.kind === 'operator' && reason === 'busy') return paths.operator(call);
    const leadIn =
      result.kind === 'operator'
        ? prompts.say('ivr.choice.noOperator')
        : result.kind === 'timeout'
          ? prompts.say('ivr.input.timeout')
          : result.kind === 'unclear'
            ? prompts.say('ivr.input.unclear')
            : prompts.say('ivr.input.invalid');
    if (attempt + 1 >= MAX_ATTEMPTS) {
      await ledger.markEndedInIvr(call.callSid);
      return buildGoodbye(
        voice,
        prompts.say('ivr.choice.tooMany', { leadIn, fallback: prompts.say('city.fallback') }),
      );
    }
    // Asking for a person after hours hears again why none can answer.
    return choice(call, reason, skill, attempt + 1, {
      leadIn,
      explain: result.kind === 'operator',
    });
  }

  return { choice, choiceInput, hotlineOpen };
}

export type ChoiceStep = ReturnType<typeof createChoiceStep>;
