CREATE TABLE "calendar_days" (
	"date" date PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"year" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"entered_by" text NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hall_closures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hall_id" text,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"reason" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"source" text NOT NULL,
	"event" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"sequence_number" integer,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"node_id" text NOT NULL,
	"input" text,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"hotline_number" text NOT NULL,
	"hall_id" text NOT NULL,
	"skill" text NOT NULL,
	"phone" text NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"queued_at" timestamp with time zone NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"agent_id" text,
	"outbound_call_sid" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"call_sid" text PRIMARY KEY NOT NULL,
	"direction" text DEFAULT 'inbound' NOT NULL,
	"hotline_number" text,
	"hall_id" text,
	"department_id" text,
	"from_number" text DEFAULT '' NOT NULL,
	"to_number" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'ringing' NOT NULL,
	"status_rank" integer DEFAULT 0 NOT NULL,
	"last_sequence_number" integer,
	"arrived_at" timestamp with time zone NOT NULL,
	"ivr_ended_at" timestamp with time zone,
	"queued_at" timestamp with time zone,
	"offered_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"queue_skill" text,
	"priority" integer DEFAULT 0 NOT NULL,
	"twilio_queue_sid" text,
	"green_channel" boolean DEFAULT false NOT NULL,
	"priority_reason" text,
	"enterprise_id" text,
	"commissioner_id" text,
	"agent_id" text,
	"self_served" boolean DEFAULT false NOT NULL,
	"callback_requested" boolean DEFAULT false NOT NULL,
	"end_reason" text,
	"duration_seconds" integer,
	"ivr_seconds" integer,
	"queue_seconds" integer,
	"talk_seconds" integer,
	"summarized_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commissioners" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"department_id" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"id" text PRIMARY KEY NOT NULL,
	"hall_id" text NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enterprise_phones" (
	"phone" text NOT NULL,
	"enterprise_id" text NOT NULL,
	CONSTRAINT "enterprise_phones_phone_enterprise_id_pk" PRIMARY KEY("phone","enterprise_id")
);
--> statement-breakpoint
CREATE TABLE "enterprises" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"credit_code" text NOT NULL,
	"commissioner_id" text,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "halls" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"hours" jsonb NOT NULL,
	"slot_minutes" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hotlines" (
	"number" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"hall_id" text NOT NULL,
	"department_id" text NOT NULL,
	"menu_id" text NOT NULL,
	"greeting" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "priority_callers" (
	"phone" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" text PRIMARY KEY NOT NULL,
	"hall_id" text NOT NULL,
	"department_id" text NOT NULL,
	"name" text NOT NULL,
	"bookable" boolean NOT NULL,
	"by_phone" boolean NOT NULL,
	"postal" boolean NOT NULL,
	"windows" integer NOT NULL,
	"minutes" integer NOT NULL,
	"bring" text DEFAULT '' NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_exports" (
	"day" date NOT NULL,
	"format" text NOT NULL,
	"content" "bytea" NOT NULL,
	"rows" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_exports_day_format_pk" PRIMARY KEY("day","format")
);
--> statement-breakpoint
ALTER TABLE "calendar_days" ADD CONSTRAINT "calendar_days_year_calendar_years_year_fk" FOREIGN KEY ("year") REFERENCES "public"."calendar_years"("year") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commissioners" ADD CONSTRAINT "commissioners_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_hall_id_halls_id_fk" FOREIGN KEY ("hall_id") REFERENCES "public"."halls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprise_phones" ADD CONSTRAINT "enterprise_phones_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprises" ADD CONSTRAINT "enterprises_commissioner_id_commissioners_id_fk" FOREIGN KEY ("commissioner_id") REFERENCES "public"."commissioners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotlines" ADD CONSTRAINT "hotlines_hall_id_halls_id_fk" FOREIGN KEY ("hall_id") REFERENCES "public"."halls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotlines" ADD CONSTRAINT "hotlines_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_hall_id_halls_id_fk" FOREIGN KEY ("hall_id") REFERENCES "public"."halls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hall_closures_range_idx" ON "hall_closures" USING btree ("ends_on");--> statement-breakpoint
CREATE UNIQUE INDEX "call_events_dedupe_idx" ON "call_events" USING btree ("call_sid","dedupe_key");--> statement-breakpoint
CREATE INDEX "call_events_call_idx" ON "call_events" USING btree ("call_sid","id");--> statement-breakpoint
CREATE INDEX "call_steps_call_idx" ON "call_steps" USING btree ("call_sid","id");--> statement-breakpoint
CREATE UNIQUE INDEX "callback_requests_call_idx" ON "callback_requests" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "callback_requests_pending_idx" ON "callback_requests" USING btree ("skill","priority","queued_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "calls_hotline_arrived_idx" ON "calls" USING btree ("hotline_number","arrived_at");--> statement-breakpoint
CREATE INDEX "calls_arrived_idx" ON "calls" USING btree ("arrived_at");--> statement-breakpoint
CREATE INDEX "calls_from_idx" ON "calls" USING btree ("from_number");--> statement-breakpoint
CREATE INDEX "calls_unsummarized_idx" ON "calls" USING btree ("ended_at") WHERE summarized_at is null and ended_at is not null;--> statement-breakpoint
CREATE INDEX "services_hall_idx" ON "services" USING btree ("hall_id");