import { and, eq } from 'drizzle-orm';
import type { Executor } from '../platform/db.js';
import { channelFeedRows, channelFeeds } from './reconciliation-tables.js';

export type FeedRecord = typeof channelFeeds.$inferSelect;
export type NewFeedRow = Omit<typeof channelFeedRows.$inferInsert, 'id'>;

/** Stores a feed unless the same bytes came from the channel before; undefined then. */
export async function insertFeed(db: Executor, feed: Omit<typeof channelFeeds.$inferInsert, 'id'>): Promise<FeedRecord | undefined> {
  const [row] = await db.insert(channelFeeds).values(feed).onConflictDoNothing({ target: [channelFeeds.channel, channelFeeds.checksum] }).returning();
  return row;
}

export async function findFeedByChecksum(db: Executor, channel: FeedRecord['channel'], checksum: string): Promise<FeedRecord | undefined> {
  const [row] = await db.select().from(channelFeeds).where(and(eq(channelFeeds.channel, channel), eq(channelFeeds.checksum, checksum)));
  return row;
}

export async function findFeed(db: Executor, id: string): Promise<FeedRecord | undefined> {
  const [row] = await db.select().from(channelFeeds).where(eq(channelFeeds.id, id));
  return row;
}

/** Inserts the rows of a feed in chunks that stay under PostgreSQL's 65,535 parameters. */
export async function insertFeedRows(db: Executor, rows: NewFeedRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) await db.insert(channelFeedRows).values(rows.slice(i, i + 5000));
}
