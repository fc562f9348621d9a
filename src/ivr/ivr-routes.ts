import type { Request, Response } from 'express';
import { maskPhone } from '../platform/logger.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import { sendTwiml, type VoiceResponse } from '../platform/twiml.js';
import type { IvrCall, IvrDeps } from './ivr-context.js';
import {
  callParamsSchema,
  choiceQuerySchema,
  gatherParamsSchema,
  inputQuerySchema,
  menuQuerySchema,
  nodeQuerySchema,
  queueQuerySchema,
  queueResultParamsSchema,
  waitParamsSchema,
} from './ivr-schemas.js';
import { createIvrService } from './ivr-service.js';
import { buildFallback, buildUnknownNumber } from './ivr-twiml.js';
import { createQueueService } from './queue-service.js';

function gatherInput(req: Request) {
  const body = gatherParamsSchema.parse(req.body);
  return {
    body,
    input: { digits: body.Digits, speech: body.SpeechResult, confidence: body.Confidence },
  };
}

/** Voice webhooks of the IVR and of waiting in queue, served under the signed /twilio/voice by the voice dispatcher. */
export function createIvrRoutes(deps: IvrDeps): VoiceRoutes {
  const { catalogue, menus, ledger, voice } = deps;
  const ivr = createIvrService(deps);
  const queue = createQueueService(ivr);
  const { kit } = ivr;
  const { log } = kit;
  const router = createVoiceRoutes();

  /** Writes the request's IVR path in one insert, then answers Twilio. */
  async function answer(
    res: Response,
    call: IvrCall,
    twiml: Promise<VoiceResponse | string>,
  ): Promise<void> {
    const response = await twiml;
    await kit.flush(call);
    sendTwiml(res, response);
  }

  router.post('/incoming', async (req, res) => {
    const call = callParamsSchema.parse(req.body);
    const hotline = catalogue.hotline(call.To);
    const menu = hotline ? menus.get(hotline.menu) : undefined;
    // The answer is worked out first, so that the arrival and the first steps of the path go in one write.
    const ivrCall = hotline && menu ? kit.resolveCall(call, menu.id) : undefined;
    const twiml = ivrCall
      ? await ivr.welcome(ivrCall)
      : buildUnknownNumber(voice, catalogue.prompts);
    try {
      await ledger.recordArrival({
        callSid: call.CallSid,
        from: call.From,
        to: call.To,
        hotline: hotline && {
          number: hotline.number,
          hall: hotline.hall,
          department: hotline.department,
        },
        payload: req.body as Record<string, unknown>,
        enterpriseId: ivrCall && catalogue.enterpriseByPhone(call.From)?.enterprise.id,
        steps: ivrCall?.path.splice(0) ?? [],
      });
      if (!hotline) await ledger.markRejected(call.CallSid);
    } catch (error) {
      // The caller is still served from memory; the status callback creates the record later.
      log.error(
        { callSid: call.CallSid, err: (error as Error).message },
        'could not record the call arrival',
      );
    }
    if (!ivrCall)
      log.warn(
        { callSid: call.CallSid, to: maskPhone(call.To) },
        'call to a number that is not a hotline',
      );
    // The ledger's 'call arrived' line (info) already says who called which hotline.
    else
      log.debug(
        { callSid: call.CallSid, hotline: ivrCall.hotline.number, from: maskPhone(call.From) },
        'welcome',
      );
    sendTwiml(res, twiml);
  });

  router.post('/fallback', (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const hotline = body.To ? catalogue.hotline(body.To) : undefined;
    log.error(
      {
        callSid: body.CallSid,
        errorCode: body.ErrorCode,
        errorUrl: body.ErrorUrl,
        hotline: hotline?.number,
      },
      'Twilio used the fallback URL',
    );
    sendTwiml(
      res,
      buildFallback(
        voice,
        catalogue.prompts,
        hotline,
        hotline ? catalogue.hall(hotline.hall) : undefined,
      ),
    );
  });

  router.post('/ivr/node', async (req, res) => {
    const query = nodeQuerySchema.parse(req.query);
    const call = kit.resolveCall(callParamsSchema.parse(req.body), query.menu);
    await answer(res, call, ivr.render(call, query.node));
  });

  router.post('/ivr/input', async (req, res) => {
    const query = inputQuerySchema.parse(req.query);
    const { body, input } = gatherInput(req);
    const call = kit.resolveCall(body, query.menu);
    await answer(res, call, ivr.input(call, query.node, query.attempt, input));
  });

  router.post('/ivr/operator', async (req, res) => {
    const query = menuQuerySchema.parse(req.query);
    const call = kit.resolveCall(callParamsSchema.parse(req.body), query.menu);
    await answer(res, call, ivr.operator(call));
  });

  router.post('/ivr/choice', async (req, res) => {
    const query = choiceQuerySchema.parse(req.query);
    const { body, input } = gatherInput(req);
    const call = kit.resolveCall(body, query.menu);
    await answer(res, call, ivr.choiceInput(call, query.reason, query.skill, query.attempt, input));
  });

  router.post('/ivr/commissioner', async (req, res) => {
    const query = menuQuerySchema.parse(req.query);
    const { body, input } = gatherInput(req);
    const call = kit.resolveCall(body, query.menu);
    await answer(res, call, ivr.commissionerInput(call, input));
  });

  router.post('/queue/wait', async (req, res) => {
    const query = queueQuerySchema.parse(req.query);
    const body = waitParamsSchema.parse(req.body);
    const call = kit.resolveCall(body, query.menu);
    await answer(res, call, queue.wait(call, query.skill, body));
  });

  router.post('/queue/wait-input', async (req, res) => {
    const query = queueQuerySchema.parse(req.query);
    const { body } = gatherInput(req);
    const call = kit.resolveCall(body, query.menu);
    await answer(res, call, queue.waitInput(call, query.skill, body.Digits));
  });

  router.post('/queue/result', async (req, res) => {
    const query = queueQuerySchema.parse(req.query);
    const body = queueResultParamsSchema.parse(req.body);
    const call = kit.resolveCall(body, query.menu);
    await answer(res, call, queue.result(call, query.skill, body.QueueResult, body.QueueTime));
  });

  return router;
}
