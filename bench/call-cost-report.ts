import { round } from './bench-env.js';
import { CALL_KINDS, type CallCost } from './call-cost-types.js';

/** The targets for a complete answered call (issue 28, item 2). */
export const ANSWERED_TARGETS = { statements: 10, transactions: 4, cpuRatio: 3 };

/** A figure beside its target (at most), and whether it meets it: `35 (target ≤ 10): FAIL`. */
export function againstTarget(figure: number, target: number): string {
  return `${figure} (target ≤ ${target}): ${figure <= target ? 'pass' : 'FAIL'}`;
}

/** The CPU pass's figures for one kind of call. */
export interface KindCpu {
  msPerCall: number;
  requestsPerCall: number;
  /** The bare route's CPU per request in the same round. */
  bareMsPerRequest: number;
  /** The lowest and highest round's ratio. */
  ratioRange: [number, number];
}

/**
 * Where a statement comes from, by its first words: the verb and the table it reads or writes
 * (`select … from "calls"`, `insert into "call_steps"`), a CTE by its name and first verb.
 */
export function statementGroup(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim().toLowerCase();
  const table = (pattern: RegExp) => pattern.exec(text)?.[1] ?? '?';
  if (text.startsWith('select')) return `select … from ${table(/ from ("?[\w.]+"?)/)}`;
  if (text.startsWith('insert')) return `insert into ${table(/^insert into ("?[\w.]+"?)/)}`;
  if (text.startsWith('update')) return `update ${table(/^update ("?[\w.]+"?)/)}`;
  if (text.startsWith('delete')) return `delete from ${table(/^delete from ("?[\w.]+"?)/)}`;
  if (text.startsWith('with')) {
    // Named by its first CTE (what it runs) and by the statement after the CTEs.
    let depth = 0;
    let first = '';
    for (let i = 0; i < text.length; i += 1) {
      if (text[i] === '(') depth += 1;
      else if (text[i] === ')' && --depth === 0) {
        first ||= statementGroup(text.slice(text.indexOf('(') + 1, i));
        const rest = text.slice(i + 1).trim();
        if (!rest.startsWith(','))
          return `with ${table(/^with ("?\w+"?)/)} (${first}) → ${statementGroup(rest)}`;
      }
    }
    return 'with ?';
  }
  return text.split(' ').slice(0, 2).join(' ');
}

/** Counts of each statement group, most frequent first. */
export function groupStatements(sql: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const text of sql) {
    const group = statementGroup(text);
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/**
 * The scenario's result: per kind, the counted calls' statements, transactions and Redis
 * commands and the CPU against the bare route's; the answered call's targets and its SQL,
 * step by step.
 */
export function reportCallCosts(
  counts: Record<string, CallCost[]>,
  cpu: Record<string, KindCpu>,
  bareMsPerRequest: number,
): Record<string, unknown> {
  const perKind = Object.fromEntries(
    CALL_KINDS.map((kind) => {
      const [call, again] = counts[kind]!;
      const { msPerCall, requestsPerCall, bareMsPerRequest: bare, ratioRange } = cpu[kind]!;
      const cpuRatio = msPerCall / (bare * requestsPerCall);
      return [
        kind,
        {
          webhookRequests: call!.requests,
          statementsPerCall: call!.statements,
          transactionsPerCall: call!.transactions,
          redisCommandsPerCall: call!.redisCommands,
          secondCall: `${again!.statements} sql, ${again!.transactions} tx, ${again!.redisCommands} redis`,
          cpuMsPerCall: round(msPerCall, 2),
          bareCpuMsForSameRequests: round(bare * requestsPerCall, 2),
          cpuRatio: round(cpuRatio, 2),
          cpuRatioRange: ratioRange.map((r) => round(r, 2)),
        },
      ];
    }),
  );
  const answered = counts.answered![0]!;
  return {
    scenario:
      'complete calls through signed webhooks and the worker processors, counted on the wire',
    bareCpuMsPerRequest: round(bareMsPerRequest, 3),
    perKind,
    answeredTargets: {
      statements: againstTarget(answered.statements, ANSWERED_TARGETS.statements),
      transactions: againstTarget(answered.transactions, ANSWERED_TARGETS.transactions),
      cpuRatio: againstTarget(perKind.answered!.cpuRatio, ANSWERED_TARGETS.cpuRatio),
    },
    answeredStatementsByGroup: groupStatements(answered.steps.flatMap((s) => s.sql)),
    answeredSteps: answered.steps.map((s) => ({
      step: s.step,
      statements: s.statements,
      transactions: s.transactions,
      redisCommands: s.redisCommands,
      groups: groupStatements(s.sql),
    })),
    answeredSql: answered.steps.flatMap((s) =>
      s.sql.map((text) => `${s.step}: ${text.replace(/\s+/g, ' ').slice(0, 140)}`),
    ),
    otherKindsSteps: Object.fromEntries(
      CALL_KINDS.filter((k) => k !== 'answered').map((kind) => [
        kind,
        counts[kind]![0]!.steps.map(
          (s) => `${s.step}: ${s.statements} sql, ${s.transactions} tx, ${s.redisCommands} redis`,
        ),
      ]),
    ),
    note: 'CPU on a loaded 2-core machine shared with other work: counts are exact, CPU figures are indicative',
  };
}
