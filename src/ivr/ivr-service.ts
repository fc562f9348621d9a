import { NotFoundError } from '../platform/errors.js';
import { VoiceResponse } from '../platform/twiml.js';
import { createCallbackTaker } from './ivr-callback-step.js';
import { createChoiceStep } from './ivr-choice-step.js';
import { createIvrKit, MAX_ATTEMPTS, type IvrCall, type IvrDeps } from './ivr-context.js';
import { interpretInput, type GatherInput } from './ivr-input.js';
import {
  appendMenuGather,
  buildEnqueue,
  buildGoodbye,
  buildOwnQueue,
  buildSayThenRedirect,
} from './ivr-twiml.js';
import { createWelcomeStep } from './ivr-welcome-step.js';
import { menuNode } from './menu-graph.js';

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
  const closed = createChoiceStep(kit, { render, operator, callbacks });
  const { choice, hotlineOpen } = closed;
  const first = createWelcomeStep(kit, closed, { menuGather, nodeUrl, queue, operator, render });

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
    // The queued stage (with the preferred agent's event) waits in Redis for the call's next
    // write: the first turn of its wait, or its offer.
    const queued = await ledger.holdQueued(
      call.callSid,
      call.hotline.number,
      { skill: target.skill, ...attributes },
      target.preferredAgent
        ? {
            source: 'ivr',
            event: 'preferred-agent',
            dedupeKey: `preferred-agent:${target.skill}`,
            payload: { skill: target.skill, agentId: target.preferredAgent },
          }
        : undefined,
    );
    if (queued) await kit.queued.keep(queued);
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

  return {
    welcome: first.welcome,
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

    choiceInput: closed.choiceInput,
    commissionerInput: first.commissionerInput,

    /** After a queue could not take the call (full, error, left without a callback). */
    busy: (call: IvrCall, skill: string, leadIn: string) =>
      choice(call, 'busy', skill, 0, { leadIn }),
    callbacks,
    kit,
  };
}

export type IvrService = ReturnType<typeof createIvrService>;
