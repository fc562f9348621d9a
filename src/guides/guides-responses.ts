import type { GuideHit, GuideView } from './guides-views.js';

/*
 * The JSON the guides' routes answer, as the guides page and the desk's guide panel read it
 * (src/panel/panel-types.ts gives these types to the pages).
 */

/** A service on the guides page's list, with its guide's revision. */
export type GuideListing = GuideHit & { revision: number };

/** `GET /api/guides` without `q`: every service with its guide's revision. */
export interface GuideList {
  services: GuideListing[];
}

/** `GET /api/guides?q=`: services by everyday words, best first. */
export interface GuideSearch {
  hits: GuideHit[];
}

/** `GET /api/guides/:serviceId` and `PUT /api/guides/:serviceId`: one guide (as saved). */
export interface GuideAnswer {
  guide: GuideView;
}

/** `GET /api/guides/calls/:callSid`: the guide the caller's IVR choices point to, and the others. */
export interface GuideForCall {
  suggested: GuideView | null;
  /** The words of the options the caller pressed or said. */
  words: string[];
  candidates: GuideHit[];
}

/** One revision of a guide with who and when (revision 0 is the file's, edited by no one). */
export interface GuideRevision {
  revision: number;
  editedBy: string | null;
  editedByName: string;
  /** ISO instant; null for revision 0. */
  editedAt: string | null;
  note: string;
  guide: GuideView;
}

/** `GET /api/guides/:serviceId/history`: every revision, oldest first. */
export interface GuideHistory {
  revisions: GuideRevision[];
}

/** `POST /api/guides/:serviceId/sms` (202): the queued SMS and its text. */
export interface GuideSmsQueued {
  id: number;
  text: string;
}
