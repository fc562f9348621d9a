CREATE TABLE "guide_revisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"service_id" text NOT NULL,
	"revision" integer NOT NULL,
	"content" jsonb NOT NULL,
	"edited_by" text NOT NULL,
	"edited_at" timestamp with time zone NOT NULL,
	"note" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guide_sms" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"service_id" text NOT NULL,
	"revision" integer NOT NULL,
	"agent_id" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"detail" text,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "guide_revisions_service_revision_idx" ON "guide_revisions" USING btree ("service_id","revision");--> statement-breakpoint
CREATE INDEX "guide_sms_call_idx" ON "guide_sms" USING btree ("call_sid");