CREATE TABLE "phone_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text,
	"agent_id" text,
	"channel" text NOT NULL,
	"action" text NOT NULL,
	"result" text NOT NULL,
	"error_code" text,
	"booking_id" uuid,
	"slot_id" bigint,
	"hold_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"day" date NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_booking_refs" (
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"booking_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_feed_rows" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"feed_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"external_id" text NOT NULL,
	"hall_id" text NOT NULL,
	"service_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"id_hash" text NOT NULL,
	"id_masked" text DEFAULT '' NOT NULL,
	"phone" text NOT NULL,
	"status" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "channel_feeds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"key_id" text NOT NULL,
	"format" text NOT NULL,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"checksum" text NOT NULL,
	"row_count" integer NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"class" text NOT NULL,
	"key" text NOT NULL,
	"status" text NOT NULL,
	"booking_id" uuid,
	"slot_id" bigint,
	"hold_id" uuid,
	"call_sid" text,
	"channel" text,
	"feed_row_id" bigint,
	"hall_id" text,
	"service_id" text,
	"day" date,
	"id_masked" text,
	"phone_masked" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_resolutions" (
	"key" text PRIMARY KEY NOT NULL,
	"item_id" bigint NOT NULL,
	"note" text NOT NULL,
	"resolved_by" text NOT NULL,
	"resolved_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fixed" integer DEFAULT 0 NOT NULL,
	"open" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "channel_feed_rows" ADD CONSTRAINT "channel_feed_rows_feed_id_channel_feeds_id_fk" FOREIGN KEY ("feed_id") REFERENCES "public"."channel_feeds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_items" ADD CONSTRAINT "reconciliation_items_run_id_reconciliation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."reconciliation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "phone_ledger_call_idx" ON "phone_ledger" USING btree ("call_sid","id");--> statement-breakpoint
CREATE INDEX "phone_ledger_day_idx" ON "phone_ledger" USING btree ("day","id");--> statement-breakpoint
CREATE INDEX "phone_ledger_booking_idx" ON "phone_ledger" USING btree ("booking_id") WHERE booking_id is not null;--> statement-breakpoint
CREATE INDEX "phone_ledger_hold_idx" ON "phone_ledger" USING btree ("hold_id") WHERE hold_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "channel_booking_refs_pk" ON "channel_booking_refs" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "channel_booking_refs_booking_idx" ON "channel_booking_refs" USING btree ("booking_id");--> statement-breakpoint
CREATE INDEX "channel_feed_rows_feed_idx" ON "channel_feed_rows" USING btree ("feed_id","day");--> statement-breakpoint
CREATE INDEX "channel_feed_rows_external_idx" ON "channel_feed_rows" USING btree ("external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_feeds_checksum_idx" ON "channel_feeds" USING btree ("channel","checksum");--> statement-breakpoint
CREATE INDEX "channel_feeds_channel_idx" ON "channel_feeds" USING btree ("channel","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reconciliation_items_run_key_idx" ON "reconciliation_items" USING btree ("run_id","key");--> statement-breakpoint
CREATE INDEX "reconciliation_items_run_class_idx" ON "reconciliation_items" USING btree ("run_id","class","status");--> statement-breakpoint
CREATE INDEX "reconciliation_resolutions_item_idx" ON "reconciliation_resolutions" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "reconciliation_runs_started_idx" ON "reconciliation_runs" USING btree ("started_at");