import type { Catalogue } from '../catalogue/index.js';
import type { Guide } from './guides-schemas.js';
import { guideSmsText } from './guides-sms.js';

/** A guide as the desk and the guides page show it: the file's fields in words, with the hall's address and hours. */
export interface GuideView {
  serviceId: string;
  serviceName: string;
  hallName: string;
  departmentName: string;
  address: string;
  /** 工作日 08:30-11:30、13:00-16:30 */
  hours: string;
  window: string;
  conditions: string[];
  materials: Array<{ name: string; form: string; count: number }>;
  fee: string;
  /** 即办, or 5个工作日. */
  timeLimit: string;
  timeLimitDays: number;
  basis: string[];
  ways: { online: boolean; post: boolean; phone: boolean };
  onlineUrl: string | null;
  askedAs: string[];
  faq: Array<{ q: string; a: string }>;
  /** 0: as shipped in catalogue/guides; n: the n-th staff edit. */
  revision: number;
  /** The SMS the caller would receive. */
  smsText: string;
}

/** A service found by the search, named as a person reads it. */
export interface GuideHit {
  serviceId: string;
  serviceName: string;
  hallName: string;
  departmentName: string;
  score: number;
}

/** A guide as people read it, with its place's names, address and hours and the SMS text. */
export function guideView(catalogue: Catalogue, guide: Guide, revision: number): GuideView {
  const place = catalogue.service(guide.service)!;
  return {
    serviceId: guide.service,
    serviceName: place.service.name,
    hallName: place.hall.name,
    departmentName: place.department.name,
    address: place.hall.address,
    hours: `工作日 ${place.hall.hours.map((s) => `${s.from}-${s.to}`).join('、')}`,
    window: guide.window,
    conditions: guide.conditions,
    materials: guide.materials.map(([name, form, count]) => ({ name, form, count })),
    fee: guide.fee,
    timeLimit: guide.timeLimitDays === 0 ? '即办' : `${guide.timeLimitDays}个工作日`,
    timeLimitDays: guide.timeLimitDays,
    basis: guide.basis,
    ways: {
      online: guide.ways.includes('online'),
      post: guide.ways.includes('post'),
      phone: guide.ways.includes('phone'),
    },
    onlineUrl: guide.onlineUrl ?? null,
    askedAs: guide.askedAs,
    faq: guide.faq,
    revision,
    smsText: guideSmsText(guide, catalogue),
  };
}

/** A service found by the search (or listed), with its `score`. */
export function guideHit(catalogue: Catalogue, serviceId: string, score: number): GuideHit {
  const place = catalogue.service(serviceId)!;
  return {
    serviceId,
    serviceName: place.service.name,
    hallName: place.hall.name,
    departmentName: place.department.name,
    score,
  };
}
