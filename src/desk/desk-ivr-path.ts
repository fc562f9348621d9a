import type { Menu } from '../ivr/index.js';

/** One step of the caller's way through the IVR, as an agent reads it. */
export interface ReadableStep {
  /** 主菜单 → 业务咨询: where the caller was. */
  where: string;
  /** What the caller did there: 按 2（业务咨询）, 说“公积金提取”, 转人工. */
  what: string;
  at: string;
}

const SPECIAL_PLACES: Readonly<Record<string, string>> = {
  'choice-closed': '非办公时间提示',
  'choice-busy': '排队繁忙提示',
  'choice-full': '排队已满提示',
  'commissioner-offer': '企业首席服务专员提示',
  operator: '转人工',
  callback: '预约回电',
};

const KIND_WORDS: Readonly<Record<string, string>> = {
  repeat: '重听',
  back: '返回上一级',
  operator: '转人工',
  timeout: '未输入（超时）',
  unclear: '未听清',
  invalid: '输入无效',
  'callback-requested': '预约回电',
  'callback-refused': '无法预约回电',
  'speech-to-person': '转人工',
};

/** Names each node of a menu by the option that leads to it; the start is 主菜单. */
function nodeNames(menu: Menu): Map<string, string> {
  const names = new Map<string, string>([[menu.start, '主菜单']]);
  for (const node of Object.values(menu.nodes)) {
    if (node.kind !== 'menu') continue;
    for (const option of node.options)
      if (!names.has(option.next)) names.set(option.next, option.label);
  }
  for (const [id, node] of Object.entries(menu.nodes))
    if (node.kind === 'queue' && !names.has(id)) names.set(id, node.label);
  return names;
}

const isKeys = (input: string) => /^[0-9*#]+$/.test(input);
const given = (input: string) => (isKeys(input) ? `按 ${input}` : `说“${input}”`);

/**
 * The IVR path of a call in words: which menus the caller passed and what they pressed or said
 * there, with the queue they reached. Steps that only say a node was entered are left out when
 * the next step says more. `skillName` names a queue skill (the department).
 */
export function readablePath(
  menu: Menu | undefined,
  steps: ReadonlyArray<{ nodeId: string; kind: string; input: string | null; at: Date }>,
  skillName: (skill: string) => string,
): ReadableStep[] {
  const names = menu ? nodeNames(menu) : new Map<string, string>();
  const place = (id: string) =>
    SPECIAL_PLACES[id] ??
    names.get(id) ??
    (id.startsWith('choice-') ? '语音提示' : skillName(id) || '语音导航');
  const out: ReadableStep[] = [];
  for (const step of steps) {
    const at = step.at.toISOString();
    const node =
      menu && Object.hasOwn(menu.nodes, step.nodeId) ? menu.nodes[step.nodeId] : undefined;
    if (step.kind === 'entered') {
      if (
        node?.kind === 'menu' ||
        node?.kind === 'queue' ||
        step.nodeId === 'commissioner-offer' ||
        step.nodeId.startsWith('choice-')
      )
        continue;
      if (node)
        out.push({
          where: place(step.nodeId),
          what:
            node.kind === 'info'
              ? '收听说明'
              : node.kind === 'booking' || node.kind === 'booking-lookup'
                ? '进入自助预约'
                : '进入',
          at,
        });
      continue;
    }
    if (step.kind === 'choice' && step.input) {
      const option =
        node?.kind === 'menu' ? node.options.find((o) => o.key === step.input) : undefined;
      out.push({
        where: place(step.nodeId),
        what: option ? `${given(step.input)}（${option.label}）` : given(step.input),
        at,
      });
      continue;
    }
    if (step.kind === 'queued') {
      out.push({
        where: step.input ?? skillName(step.nodeId),
        what: `进入排队（${skillName(step.nodeId)}）`,
        at,
      });
      continue;
    }
    if (step.kind.startsWith('queue-')) {
      const result = step.kind.slice('queue-'.length);
      if (result === 'bridged' || result === 'redirected') continue;
      out.push({
        where: skillName(step.nodeId),
        what: result === 'hangup' ? '排队中挂断' : '离开排队',
        at,
      });
      continue;
    }
    if (step.kind.startsWith('key-')) {
      out.push({ where: place(step.nodeId), what: `按 ${step.kind.slice(4)}`, at });
      continue;
    }
    const word = KIND_WORDS[step.kind] ?? '操作';
    const said =
      step.input && step.kind !== 'callback-requested' && step.kind !== 'callback-refused'
        ? given(step.input)
        : '';
    out.push({ where: place(step.nodeId), what: said ? `${word}（${said}）` : word, at });
  }
  return out;
}
