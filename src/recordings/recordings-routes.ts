import { Router } from 'express';
import { z } from 'zod';
import { callSidSchema } from '../calls/index.js';
import { requireStaff } from '../staff/index.js';
import { parseInput } from '../platform/http.js';
import { createVoiceRoutes, type VoiceRoutes } from '../platform/voice-routes.js';
import type { RecordingRow, Recordings } from './recordings-service.js';

/** `GET /api/supervisor/calls/:callSid/recordings`: the call's recordings, playable or deleted. */
export interface CallRecordings {
  recordings: Array<{
    recordingSid: string;
    durationSeconds: RecordingRow['durationSeconds'];
    channels: RecordingRow['channels'];
    /** False once deleted after the retention period. */
    playable: boolean;
  }>;
}

const statusQuery = z.object({ call: callSidSchema });
/** Twilio's recording status callback parameters (form). */
const statusBody = z.object({
  RecordingSid: z.string().regex(/^RE[0-9a-f]{32}$/),
  RecordingStatus: z.string().min(1),
  RecordingDuration: z.coerce.number().int().min(0).optional(),
  RecordingChannels: z.coerce.number().int().min(1).max(2).optional(),
  RecordingStartTime: z.string().optional(),
});
const recordingParams = z.object({
  recordingSid: z.string().regex(/^RE[0-9a-f]{32}$/, 'invalid_recording'),
});
const callParams = z.object({ callSid: callSidSchema });

/** Twilio's recording status callback (under /twilio/voice, signature checked): keeps the recording's reference. */
export function createRecordingVoiceRoutes(recordings: Recordings): VoiceRoutes {
  const router = createVoiceRoutes();
  router.post('/agents/recording-status', async (req, res) => {
    const { call } = parseInput(statusQuery, req.query, 'query');
    const body = parseInput(statusBody, req.body, 'body');
    const started = body.RecordingStartTime ? new Date(body.RecordingStartTime) : undefined;
    await recordings.stored({
      callSid: call,
      recordingSid: body.RecordingSid,
      status: body.RecordingStatus,
      durationSeconds: body.RecordingDuration,
      channels: body.RecordingChannels,
      startedAt: started && !Number.isNaN(started.getTime()) ? started : undefined,
    });
    res.status(204).end();
  });
  return router;
}

/**
 * A call's recordings for supervisors (under /api): `GET /supervisor/calls/:callSid/recordings`
 * lists them, `GET /supervisor/recordings/:recordingSid/audio` plays one (audited).
 */
export function createRecordingRoutes(recordings: Recordings): Router {
  const router = Router();
  router.get(
    '/supervisor/calls/:callSid/recordings',
    requireStaff('supervisor'),
    async (req, res) => {
      const { callSid } = parseInput(callParams, req.params, 'path');
      const rows = await recordings.list(callSid);
      const answer: CallRecordings = {
        recordings: rows.map((row) => ({
          recordingSid: row.recordingSid,
          durationSeconds: row.durationSeconds,
          channels: row.channels,
          playable: !row.deletedAt,
        })),
      };
      res.json(answer);
    },
  );
  router.get(
    '/supervisor/recordings/:recordingSid/audio',
    requireStaff('supervisor'),
    async (req, res) => {
      const { recordingSid } = parseInput(recordingParams, req.params, 'path');
      const { audio, contentType } = await recordings.play(
        req.principal?.kind === 'staff' ? req.principal.userId : 'unknown',
        recordingSid,
      );
      res.type(contentType).set('cache-control', 'no-store').send(Buffer.from(audio));
    },
  );
  return router;
}
