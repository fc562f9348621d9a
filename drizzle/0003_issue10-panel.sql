CREATE TABLE "call_recordings" (
	"recording_sid" text PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"duration_seconds" integer,
	"channels" integer,
	"started_at" timestamp with time zone,
	"received_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "display_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "call_recordings_call_idx" ON "call_recordings" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "call_recordings_received_idx" ON "call_recordings" USING btree ("received_at");