import type { Menu, MenuNode } from './menu-schemas.js';

/** The nodes a node can lead to without the caller leaving the IVR. */
export function successors(node: MenuNode): string[] {
  switch (node.kind) {
    case 'menu':
      return node.options.map((option) => option.next);
    case 'info':
      return [node.next];
    case 'booking':
      return [node.fallback];
    case 'booking-lookup':
      return node.fallback ? [node.fallback] : [];
    default:
      return [];
  }
}

/** A menu's shape, computed once at start: what is reachable, and where "back" (*) goes from each menu. */
export interface MenuGraph {
  /** Node ids reachable from the start, in breadth-first order. */
  readonly order: readonly string[];
  /** For each reachable node, the menu node "back" returns to (the start's is itself). */
  readonly backTo: ReadonlyMap<string, string>;
  /** The first node of a kind in breadth-first order, e.g. the booking offered after hours. */
  first(kind: MenuNode['kind']): string | undefined;
}

/**
 * A menu's node by id, own properties only: an id from a request (`__proto__`, `toString`)
 * is no node rather than something inherited from Object.prototype.
 */
export function menuNode(menu: Menu, id: string): MenuNode | undefined {
  return Object.hasOwn(menu.nodes, id) ? menu.nodes[id] : undefined;
}

/** Walks the menu breadth-first from its start node. */
export function buildMenuGraph(menu: Menu): MenuGraph {
  const order: string[] = [];
  const backTo = new Map<string, string>();
  const queue: Array<{ id: string; lastMenu: string }> = [{ id: menu.start, lastMenu: menu.start }];
  while (queue.length > 0) {
    const { id, lastMenu } = queue.shift()!;
    const node = menuNode(menu, id);
    if (!node || backTo.has(id)) continue;
    backTo.set(id, lastMenu);
    order.push(id);
    const nextLastMenu = node.kind === 'menu' ? id : lastMenu;
    for (const next of successors(node)) queue.push({ id: next, lastMenu: nextLastMenu });
  }
  return {
    order,
    backTo,
    first: (kind) => order.find((id) => menuNode(menu, id)?.kind === kind),
  };
}
