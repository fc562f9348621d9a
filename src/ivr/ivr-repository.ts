import { callTables } from '../calls/index.js';
import type { Executor } from '../platform/db.js';

/** Appends the steps one webhook request took to the call's IVR path, in one statement. */
export async function insertSteps(db: Executor, callSid: string, at: Date, steps: ReadonlyArray<{ nodeId: string; kind: string; input: string | null }>): Promise<void> {
  if (steps.length === 0) return;
  await db.insert(callTables.callSteps).values(steps.map((step) => ({ callSid, nodeId: step.nodeId, kind: step.kind, input: step.input, at })));
}
