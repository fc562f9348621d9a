import type { Request, Response, Router } from 'express';
import type { ProviderCall } from './call-registry.js';
import type { Conferences, ParticipantFlags, Room } from './conference-room.js';
import { error, listPage, twilioDate } from './rest-routes.js';

const text = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value) ?? '';
const flag = (value: string | string[] | undefined) => text(value).toLowerCase() === 'true';
const escapeXml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function conferenceJson(accountSid: string, room: Room) {
  const uri = `/2010-04-01/Accounts/${accountSid}/Conferences/${room.sid}`;
  return {
    sid: room.sid,
    account_sid: accountSid,
    friendly_name: room.name,
    status: room.status,
    date_created: twilioDate(room.createdAt),
    date_updated: twilioDate(room.updatedAt),
    api_version: '2010-04-01',
    region: 'us1',
    reason_conference_ended: room.status === 'completed' ? 'last-participant-left' : null,
    uri: `${uri}.json`,
    subresource_uris: { participants: `${uri}/Participants.json` },
  };
}

function participantJson(
  accountSid: string,
  room: Room,
  callSid: string,
  flags: ParticipantFlags,
  status: string,
) {
  return {
    account_sid: accountSid,
    call_sid: callSid,
    conference_sid: room.sid,
    label: flags.label ?? null,
    muted: flags.muted,
    hold: Boolean(flags.hold),
    coaching: flags.coaching,
    call_sid_to_coach: flags.callSidToCoach ?? null,
    end_conference_on_exit: flags.endConferenceOnExit,
    start_conference_on_enter: true,
    status,
    date_created: twilioDate(room.createdAt),
    date_updated: twilioDate(room.updatedAt),
    uri: `/2010-04-01/Accounts/${accountSid}/Conferences/${room.sid}/Participants/${callSid}.json`,
  };
}

/**
 * Twilio's Conferences (list by FriendlyName and Status, fetch) and their Participants (create
 * with From, To, Muted, Coaching, CallSidToCoach, EndConferenceOnExit; list, fetch, update,
 * delete), added to the provider's REST router. A participant is an outgoing call whose TwiML
 * joins the conference; the conference may be named by its SID or, on create, its FriendlyName.
 * Without conferences in the dialect (twiml-core), every path answers 404, as Somleng's would.
 */
export function addConferenceRoutes(
  router: Router,
  base: string,
  deps: {
    accountSid: string;
    conferences: Conferences;
    available: boolean;
    place(params: Record<string, string | string[]>): ProviderCall | { error: string };
  },
): void {
  const { accountSid, conferences } = deps;
  if (!deps.available) return;
  const body = (req: Request) => (req.body ?? {}) as Record<string, string | string[]>;
  const strip = (value: unknown) => String(value).replace(/\.json$/, '');
  const notFound = (req: Request, res: Response) =>
    error(res, 404, 20404, `The requested resource ${req.path} was not found`);
  const roomOr404 = (req: Request, res: Response) => {
    const room = conferences.find(strip(req.params.conference));
    if (!room) notFound(req, res);
    return room;
  };
  router.get(`${base}/Conferences.json`, (req, res) => {
    const name = text(req.query.FriendlyName as string | undefined);
    const status = text(req.query.Status as string | undefined);
    const rooms = conferences
      .list()
      .filter((room) => (!name || room.name === name) && (!status || room.status === status));
    res.json(
      listPage(
        'conferences',
        rooms.map((room) => conferenceJson(accountSid, room)),
      ),
    );
  });
  router.get(`${base}/Conferences/:conference`, (req, res) => {
    const room = roomOr404(req, res);
    if (room) res.json(conferenceJson(accountSid, room));
  });
  router.post(`${base}/Conferences/:conference/Participants.json`, (req, res) => {
    const key = strip(req.params.conference);
    const found = conferences.find(key);
    if (!found && /^CF[0-9a-f]{32}$/.test(key)) return notFound(req, res);
    const room = found ?? conferences.room(key);
    const params = body(req);
    const flags: ParticipantFlags = {
      muted: flag(params.Muted),
      coaching: flag(params.Coaching),
      ...(text(params.CallSidToCoach) ? { callSidToCoach: text(params.CallSidToCoach) } : {}),
      endConferenceOnExit: flag(params.EndConferenceOnExit),
      initiator: true,
      ...(text(params.Label) ? { label: text(params.Label) } : {}),
    };
    if (flags.coaching && !flags.callSidToCoach)
      return error(res, 400, 21210, 'CallSidToCoach is required when Coaching is true');
    const placed = deps.place({
      To: text(params.To),
      From: text(params.From),
      Twiml: `<Response><Dial><Conference>${escapeXml(room.name)}</Conference></Dial></Response>`,
      ...(params.StatusCallback ? { StatusCallback: params.StatusCallback } : {}),
      ...(params.StatusCallbackEvent ? { StatusCallbackEvent: params.StatusCallbackEvent } : {}),
      ...(params.Timeout ? { Timeout: params.Timeout } : {}),
    });
    if ('error' in placed) return error(res, 400, 21205, placed.error);
    conferences.expect(placed.sid, flags);
    res.status(201).json(participantJson(accountSid, room, placed.sid, flags, 'queued'));
  });
  router.get(`${base}/Conferences/:conference/Participants.json`, (req, res) => {
    const room = roomOr404(req, res);
    if (!room) return;
    const members = [...room.members.values()].map((m) =>
      participantJson(accountSid, room, m.call.sid, m, 'connected'),
    );
    res.json(listPage('participants', members));
  });
  router.all(`${base}/Conferences/:conference/Participants/:call`, (req, res) => {
    const room = roomOr404(req, res);
    if (!room) return;
    const callSid = strip(req.params.call);
    const member = conferences.memberOf(room, callSid);
    if (!member) return notFound(req, res);
    if (req.method === 'DELETE') {
      conferences.kick(room, callSid);
      return res.status(204).end();
    }
    if (req.method === 'POST') {
      const params = body(req);
      const change: Partial<ParticipantFlags> = {};
      if (params.Muted !== undefined) change.muted = flag(params.Muted);
      if (params.Coaching !== undefined) change.coaching = flag(params.Coaching);
      if (params.CallSidToCoach !== undefined) change.callSidToCoach = text(params.CallSidToCoach);
      if (params.Hold !== undefined) change.hold = flag(params.Hold);
      if (params.HoldUrl !== undefined) change.holdUrl = text(params.HoldUrl);
      if (params.EndConferenceOnExit !== undefined)
        change.endConferenceOnExit = flag(params.EndConferenceOnExit);
      conferences.update(room, callSid, change);
    } else if (req.method !== 'GET') return error(res, 405, 20004, 'Method not allowed');
    res.json(participantJson(accountSid, room, callSid, member, 'connected'));
  });
}
