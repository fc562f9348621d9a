/*
 * The JSON the announcement routes answer, as the supervisors' announcements page reads it
 * (src/panel/panel-types.ts gives these types to the pages).
 */

/** An announcement in words: where callers hear it and when (Beijing time, 2026年12月1日 09:00). */
export interface AnnouncementView {
  id: number;
  text: string;
  /** The hotline's or the hall's name, or 全部热线. */
  scope: string;
  startsAt: string;
  endsAt: string;
  /** Callers hear it now (else it is still to come). */
  running: boolean;
}

/** `GET /api/supervisor/announcements`: the running and scheduled announcements, and the halls. */
export interface AnnouncementList {
  announcements: AnnouncementView[];
  halls: Array<{ id: string; name: string }>;
}

/** `POST /api/supervisor/announcements` (201): the announcement added. */
export interface AnnouncementAdded {
  announcement: AnnouncementView;
}
