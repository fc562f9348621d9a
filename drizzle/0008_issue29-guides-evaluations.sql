CREATE TABLE "evaluation_case_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"actor_id" text,
	"at" timestamp with time zone NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluation_cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"evaluation_id" bigint NOT NULL,
	"department_id" text NOT NULL,
	"hall_id" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"due_on" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"callback_request_id" bigint,
	"finding" text,
	"rectification" text,
	"reply" text,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	"re_evaluation_level" integer,
	"alerted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "evaluation_settings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hotline_number" text NOT NULL,
	"enabled" boolean NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"channel" text NOT NULL,
	"hotline_number" text,
	"hall_id" text,
	"department_id" text,
	"agent_id" text,
	"offered_at" timestamp with time zone NOT NULL,
	"result" text DEFAULT 'offered' NOT NULL,
	"level" integer,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
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
CREATE INDEX "evaluation_case_steps_case_idx" ON "evaluation_case_steps" USING btree ("case_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_cases_evaluation_idx" ON "evaluation_cases" USING btree ("evaluation_id");--> statement-breakpoint
CREATE INDEX "evaluation_cases_status_idx" ON "evaluation_cases" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "evaluation_settings_hotline_idx" ON "evaluation_settings" USING btree ("hotline_number","id");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluations_call_idx" ON "evaluations" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "evaluations_offered_idx" ON "evaluations" USING btree ("offered_at");--> statement-breakpoint
CREATE UNIQUE INDEX "guide_revisions_service_revision_idx" ON "guide_revisions" USING btree ("service_id","revision");--> statement-breakpoint
CREATE INDEX "guide_sms_call_idx" ON "guide_sms" USING btree ("call_sid");