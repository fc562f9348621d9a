import { shanghai } from '../platform/clock.js';
import { NotFoundError } from '../platform/errors.js';
import { speak, VoiceResponse } from '../platform/twiml.js';
import { createCallbackTaker } from './ivr-callback-step.js';
import { createIvrKit, MAX_ATTEMPTS, type IvrCall, type IvrDeps } from './ivr-context.js';
import { interpretInput, type Choosable, type GatherInput } from './ivr-input.js';
import { menuNode } from './menu-graph.js';
import {
  appendMenuGather,
  buildChoice,
  buildEnqueue,
  buildGoodbye,
  buildOwnQueue,
  buildSayThenRedirect,
  buildWelcome,
  openGather,
  spokenDay,
  spokenHours,
  spokenWhen,
} from './ivr-twiml.js';

/** Why the IVR offers a generated choice instead of a person: the hall is closed, or the queue could not take the call. */
export type ChoiceReason = 'closed' | 'busy';

interface QueueTarget {
  skill: string;
  label: string;
  say?: string | undefined;
  audioUrl?: string | undefined;
  priority?: number;
  greenChannel?: boolean;
  preferredAgent?: string | undefined;
  commissionerId?: string;
}

type ChoiceAction = { kind: 'node'; node: string } | { kind: 'callback' } | { kind: 'goodbye' };
type Choice = Choosable & { action: ChoiceAction };

/**
 * The IVR engine: renders menu nodes from the menu data, interprets keys and speech, and takes
 * the caller to a queue, a self-service flow, a callback request or a goodbye. Every step reads
 * the in-memory catalogue and menus and writes at most the step of the path and the call record.
 */
export function createIvrService(deps: IvrDeps) {
  const kit = createIvrKit(deps);
  const callbacks = createCallbackTaker(kit);
  const { voice, catalogue, calendar, ledger, log } = { ...deps, log: kit.log };
  const { prompts } = catalogue;
  const speech = deps.telephony.speechInput;
  const inputUrl = (call: IvrCall, node: string, attempt: number) =>
    kit.url('/ivr/input', { menu: call.menu.id, node, attempt });
  const nodeUrl = (call: IvrCall, node: string) =>
    kit.url('/ivr/node', { menu: call.menu.id, node });

  function menuGather(
    call: IvrCall,
    nodeId: string,
    response: VoiceResponse,
    options: { attempt?: number; leadIn?: string } = {},
  ): VoiceResponse {
    const node = menuNode(call.menu, nodeId);
    if (node?.kind !== 'menu')
      throw new NotFoundError(`node ${nodeId} of ${call.menu.id} is not a menu`);
    appendMenuGather(response, node, voice, inputUrl(call, nodeId, options.attempt ?? 0), {
      atStart: nodeId === call.menu.start,
      prompts,
      speech,
      ...(options.leadIn ? { leadIn: options.leadIn } : {}),
    });
    return response;
  }

  async function queue(
    call: IvrCall,
    target: QueueTarget,
    leadIn?: string,
  ): Promise<VoiceResponse> {
    const hall = kit.hallOf(target.skill, call);
    if (!calendar.openAt(hall.id, kit.now()).open)
      return choice(call, 'closed', target.skill, 0, { leadIn, explain: true });
    const attributes = kit.routingAttributes(call, target);
    await ledger.recordQueued(call.callSid, { skill: target.skill, ...attributes });
    if (target.preferredAgent)
      await ledger.recordEvent(
        call.callSid,
        'ivr',
        'preferred-agent',
        `preferred-agent:${target.skill}`,
        { skill: target.skill, agentId: target.preferredAgent },
      );
    kit.step(call, target.skill, 'queued', target.label);
    log.info(
      {
        callSid: call.callSid,
        skill: target.skill,
        priority: attributes.priority,
        greenChannel: attributes.greenChannel,
      },
      'call queued',
    );
    const params = { menu: call.menu.id, skill: target.skill };
    const say = `${leadIn ?? ''}${target.say ?? prompts.say('ivr.queue.transfer', { label: target.label })}`;
    if (!deps.telephony.queues)
      return buildOwnQueue({
        voice,
        say,
        audioUrl: target.audioUrl,
        waitUrl: kit.url('/queue/wait', params),
      });
    return buildEnqueue({
      voice,
      say,
      audioUrl: target.audioUrl,
      queueName: target.skill,
      waitUrl: kit.url('/queue/wait', params),
      action: kit.url('/queue/result', params),
    });
  }

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

  async function render(
    call: IvrCall,
    nodeId: string,
    options: { attempt?: number; leadIn?: string } = {},
  ): Promise<VoiceResponse> {
    const node = menuNode(call.menu, nodeId);
    if (!node) {
      // A node id from a request that is not in the menu (a menu changed mid-call, a forged id): start again politely.
      log.warn(
        { callSid: call.callSid, menu: call.menu.id, node: nodeId.slice(0, 64) },
        'no such IVR node; back to the main menu',
      );
      return render(call, call.menu.start, { leadIn: prompts.say('ivr.noSuchOption') });
    }
    kit.step(call, nodeId, 'entered');
    switch (node.kind) {
      case 'menu':
        return menuGather(call, nodeId, new VoiceResponse(), options);
      case 'info':
        // Hearing the information counts as served by itself unless the call goes on to a person.
        await kit.bestEffort(call, 'self-service', () => ledger.markSelfServed(call.callSid));
        return buildSayThenRedirect(voice, node.prompt, nodeUrl(call, node.next), node.audioUrl);
      case 'queue':
        return queue(call, { ...node, say: node.prompt }, options.leadIn);
      case 'booking':
        return buildSayThenRedirect(
          voice,
          node.prompt,
          kit.links.bookingStart(call.menu.id, nodeId),
        );
      case 'booking-lookup':
        return buildSayThenRedirect(
          voice,
          node.prompt,
          kit.links.bookingLookup(call.menu.id, nodeId),
        );
      case 'callback':
        return callbacks.take(call, node.skill, { leadIn: node.prompt });
      case 'hangup':
        await ledger.markEndedInIvr(call.callSid);
        return buildGoodbye(voice, node.prompt, node.audioUrl);
    }
  }

  /** The person path (key 0, or too many failed tries): the hotline's department queue, or the after-hours choice. */
  function operator(call: IvrCall, leadIn?: string): Promise<VoiceResponse> {
    return queue(
      call,
      {
        skill: call.hotline.department,
        label: prompts.say('ivr.operator.label'),
        say: prompts.say('ivr.operator.transfer'),
      },
      leadIn,
    );
  }

  /** The announcements running now for the call's hotline; none when they cannot be read. */
  function announcementsFor(call: IvrCall): Promise<string[]> {
    return deps.announcements.current(call.hotline).catch((error: unknown) => {
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
    if (!hotlineOpen(call)) {
      // Closed is said first: why, the hours and the next opening, then the after-hours choice; the working-hours menu is not played.
      kit.step(call, 'choice-closed', 'entered');
      return choice(call, 'closed', call.hotline.department, 0, { explain: true, response });
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
    if (start?.kind === 'menu') return menuGather(call, call.menu.start, response);
    response.redirect({ method: 'POST' }, nodeUrl(call, call.menu.start));
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

    render,
    operator: (call: IvrCall) => {
      kit.step(call, 'operator', 'operator');
      return operator(call);
    },

    /** A menu's Gather result: a choice, 9 (repeat), * (back), 0 (person), or a retry after timeout or invalid input. */
    async input(
      call: IvrCall,
      nodeId: string,
      attempt: number,
      input: GatherInput,
    ): Promise<VoiceResponse> {
      const node = menuNode(call.menu, nodeId);
      if (node?.kind !== 'menu') return render(call, nodeId);
      const result = interpretInput(input, node.options);
      const bySpeech =
        (result.kind === 'choice' && result.via === 'speech') ||
        (result.kind === 'invalid' && !input.digits?.trim());
      if (bySpeech && input.speech) {
        // Speech may name what lies deeper (a service, a department, the hotline itself): go straight there.
        const understood = call.speech.match(input.speech, nodeId, call.hotline);
        if (understood) {
          kit.step(call, nodeId, 'choice', result.heard);
          return render(call, understood.node);
        }
        if (call.menu.speech?.personOnUnmatched.includes(call.hotline.department)) {
          kit.step(call, nodeId, 'speech-to-person', result.heard);
          return operator(call);
        }
      }
      kit.step(call, nodeId, result.kind, 'heard' in result ? result.heard : null);
      switch (result.kind) {
        case 'choice':
          return render(call, node.options.find((o) => o.key === result.key)!.next);
        case 'repeat':
          return render(call, nodeId);
        case 'back': {
          const back = call.graph.backTo.get(nodeId) ?? call.menu.start;
          return nodeId === call.menu.start
            ? render(call, nodeId, { leadIn: prompts.say('ivr.alreadyAtMain') })
            : render(call, back);
        }
        case 'operator':
          return operator(call);
        default: {
          const leadIn =
            result.kind === 'timeout'
              ? prompts.say('ivr.input.timeout')
              : result.kind === 'unclear'
                ? prompts.say('ivr.input.unclear')
                : prompts.say('ivr.input.invalid');
          if (attempt + 1 >= MAX_ATTEMPTS) {
            if (!hotlineOpen(call))
              return choice(call, 'closed', call.hotline.department, 0, { leadIn, explain: true });
            return operator(call, prompts.say('ivr.input.toOperator', { leadIn }));
          }
          return menuGather(call, nodeId, new VoiceResponse(), { attempt: attempt + 1, leadIn });
        }
      }
    },

    /** A generated choice's Gather result (after hours, or a queue that could not take the call). */
    async choiceInput(
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
        if (action.kind === 'callback') return callbacks.take(call, skill);
        if (action.kind === 'goodbye') {
          await ledger.markEndedInIvr(call.callSid);
          return buildGoodbye(voice, prompts.say('goodbye'));
        }
        return render(call, action.node);
      }
      if (result.kind === 'repeat') return choice(call, reason, skill, attempt, { explain: true });
      // After hours the working-hours menu is not played: * repeats the after-hours choice.
      if (result.kind === 'back')
        return reason === 'closed'
          ? choice(call, reason, skill, attempt, { explain: true })
          : render(call, call.menu.start);
      if (result.kind === 'operator' && reason === 'busy') return operator(call);
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
        return queue(call, {
          skill: commissioner.department,
          label: prompts.say('ivr.commissioner.label', { name: commissioner.name }),
          commissionerId: commissioner.id,
        });
      }
      if (result.kind === 'operator') return operator(call);
      return render(call, call.menu.start);
    },

    /** After a queue could not take the call (full, error, left without a callback). */
    busy: (call: IvrCall, skill: string, leadIn: string) =>
      choice(call, 'busy', skill, 0, { leadIn }),
    callbacks,
    kit,
  };
}

function commissionerChoices(name: string): Choosable[] {
  return [
    { key: '1', label: '转接专员', keywords: ['专员', '转接', name] },
    { key: '2', label: '其他业务', keywords: ['其他', '别的', '菜单'] },
  ];
}

export type IvrService = ReturnType<typeof createIvrService>;
