CREATE TABLE "schedule_builds" (
	"redis_prefix" text PRIMARY KEY NOT NULL,
	"first_built_at" timestamp with time zone NOT NULL,
	"last_built_at" timestamp with time zone NOT NULL,
	"rebuilds" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "reminder_sent_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "bookings_reminder_due_idx" ON "bookings" USING btree ("starts_at") WHERE status = 'confirmed' and reminder_sent_at is null;