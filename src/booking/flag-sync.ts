import type { Executor } from '../platform/db.js';
import * as repo from './booking-repository.js';
import type { SlotRow } from './slot-repository.js';

/**
 * Keeps a slot's follow-up flags equal to its overflow (bookings beyond its lowered capacity),
 * inside the transaction that changed the slot. The newest bookings are the ones that no
 * longer fit and get flagged; when places come back, the oldest flagged ones fit again and
 * their flag is resolved. Nothing is deleted: flagged bookings stay valid until staff act.
 */
export async function syncFlags(
  tx: Executor,
  slot: SlotRow,
  at: Date,
): Promise<{ flagged: number; resolved: number }> {
  const active = (await repo.listSlotBookings(tx, slot.id)).filter(
    (b) => b.status === 'confirmed' || b.status === 'checked_in',
  );
  const flagged = active.filter((b) => b.flag && !b.flagResolvedAt);
  if (flagged.length === slot.overflow) return { flagged: 0, resolved: 0 };
  if (flagged.length > slot.overflow) {
    const fitAgain = flagged.slice(0, flagged.length - slot.overflow).map((b) => b.id);
    await repo.resolveFlags(tx, fitAgain, at);
    return { flagged: 0, resolved: fitAgain.length };
  }
  const unflagged = active.filter((b) => !b.flag || b.flagResolvedAt);
  const toFlag = unflagged
    .slice(Math.max(unflagged.length - (slot.overflow - flagged.length), 0))
    .map((b) => b.id);
  await repo.setFlag(tx, toFlag, slot.closed ? 'hall_closed' : 'capacity_lowered', at);
  return { flagged: toFlag.length, resolved: 0 };
}
