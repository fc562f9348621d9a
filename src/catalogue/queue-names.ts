import type { Catalogue } from './catalogue-loader.js';

/** A queue's name as people say it: the hall and the department (a skill that is no department stays as it is named). */
export function queueName(catalogue: Catalogue, skill: string | null): string {
  if (!skill) return '';
  const place = catalogue.department(skill);
  if (place) return `${place.hall.name} · ${place.department.name}`;
  const commissioner = catalogue.commissioners.find((c) => c.id === skill);
  return commissioner ? `首席服务专员 ${commissioner.name}` : '其他队列';
}
