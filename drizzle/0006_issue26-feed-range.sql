DROP INDEX "channel_feeds_checksum_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "channel_feeds_checksum_range_idx" ON "channel_feeds" USING btree ("channel","checksum","from_day","to_day");