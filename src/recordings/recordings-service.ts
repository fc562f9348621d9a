import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { NotFoundError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import { twilioRestUrl, type TwilioClient } from '../platform/twilio-client.js';
import { insertAudit } from '../platform/audit-repository.js';
import * as repo from './recordings-repository.js';

export type { RecordingRow } from './recordings-repository.js';

/** What Twilio's recording status callback says about a finished recording. */
export interface RecordingStatus {
  callSid: string;
  recordingSid: string;
  status: string;
  durationSeconds?: number | undefined;
  channels?: number | undefined;
  startedAt?: Date | undefined;
}

export interface RecordingsDeps {
  db: Database;
  twilio: TwilioClient;
  twilioAuth: { accountSid: string; authToken: string; apiBaseUrl: string | undefined };
  clock: Clock;
  logger: Logger;
}

/**
 * Call recordings: the references Twilio reports, a supervisor's play of one (audited, the audio
 * fetched from Twilio's REST API with the account's credentials), and deletion after retention.
 */
export function createRecordings({ db, twilio, twilioAuth, clock, logger }: RecordingsDeps) {
  const log = logger.child({ component: 'recordings' });
  return {
    /** Keeps the reference of a completed recording; a re-delivered callback changes nothing. */
    async stored(status: RecordingStatus): Promise<void> {
      if (status.status !== 'completed') return;
      await repo.insertRecording(db, {
        recordingSid: status.recordingSid,
        callSid: status.callSid,
        durationSeconds: status.durationSeconds ?? null,
        channels: status.channels ?? null,
        startedAt: status.startedAt ?? null,
        receivedAt: clock.now(),
      });
    },

    list: (callSid: string) => repo.listRecordings(db, callSid),

    /** The audio (MP3) of a recording for a supervisor; every play is audited. */
    async play(
      actorId: string,
      recordingSid: string,
    ): Promise<{ audio: ArrayBuffer; contentType: string }> {
      const row = await repo.findRecording(db, recordingSid);
      if (!row || row.deletedAt) throw new NotFoundError(`no playable recording ${recordingSid}`);
      await insertAudit(db, {
        actorId,
        action: 'play-recording',
        subject: row.callSid,
        detail: { recordingSid },
        at: clock.now(),
      });
      // Where the REST client sends its requests (Twilio, a compatible provider, the built-in one).
      const response = await fetch(
        twilioRestUrl(
          twilio,
          `https://api.twilio.com/2010-04-01/Accounts/${twilioAuth.accountSid}/Recordings/${recordingSid}.mp3`,
        ),
        {
          headers: {
            authorization: `Basic ${Buffer.from(`${twilioAuth.accountSid}:${twilioAuth.authToken}`).toString('base64')}`,
          },
        },
      );
      if (!response.ok)
        throw new NotFoundError(
          `the recording ${recordingSid} cannot be fetched from Twilio (${response.status})`,
        );
      return {
        audio: await response.arrayBuffer(),
        contentType: response.headers.get('content-type') ?? 'audio/mpeg',
      };
    },

    /** Deletes at Twilio the recordings older than `retentionDays` and marks them deleted; returns how many. */
    async deleteExpired(retentionDays: number): Promise<number> {
      const before = new Date(clock.now().getTime() - retentionDays * 86_400_000);
      const expired = await repo.listExpiredRecordings(db, before, 500);
      let deleted = 0;
      for (const row of expired) {
        try {
          await twilio.recordings(row.recordingSid).remove();
        } catch (error) {
          // Already gone at Twilio is as good as deleted; anything else is tried again next time.
          if ((error as { status?: number }).status !== 404) {
            log.warn(
              { recordingSid: row.recordingSid, err: (error as Error).message },
              'could not delete an expired recording',
            );
            continue;
          }
        }
        await repo.markRecordingDeleted(db, row.recordingSid, clock.now());
        deleted += 1;
      }
      return deleted;
    },
  };
}

export type Recordings = ReturnType<typeof createRecordings>;
