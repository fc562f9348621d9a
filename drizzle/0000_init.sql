CREATE TABLE "agent_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"agent_id" text NOT NULL,
	"skill" text,
	"answered_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"wrap_up_ended_at" timestamp with time zone,
	"outcome_status" text DEFAULT 'pending' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_state_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"reason" text,
	"version" integer NOT NULL,
	"call_sid" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"subject" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_outcomes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"agent_id" text NOT NULL,
	"kind" text NOT NULL,
	"service_id" text,
	"details" jsonb NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"skills" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"commissioner_id" text,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "booking_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"booking_id" uuid NOT NULL,
	"event" text NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "booking_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slot_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"holder" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"id_hash" text,
	"id_masked" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "booking_slots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hall_id" text NOT NULL,
	"service_id" text NOT NULL,
	"day" date NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"base_capacity" integer NOT NULL,
	"capacity" integer NOT NULL,
	"phone_reserved" integer DEFAULT 0 NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"phone_booked" integer DEFAULT 0 NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	"phone_held" integer DEFAULT 0 NOT NULL,
	"overflow" integer DEFAULT 0 NOT NULL,
	"closed" boolean DEFAULT false NOT NULL,
	"released_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "booking_slots_counters_check" CHECK ("booking_slots"."capacity" >= 0 and "booking_slots"."booked" >= 0 and "booking_slots"."held" >= 0 and "booking_slots"."phone_booked" >= 0 and "booking_slots"."phone_held" >= 0 and "booking_slots"."overflow" >= 0
        and "booking_slots"."phone_booked" <= "booking_slots"."booked" and "booking_slots"."phone_held" <= "booking_slots"."held"
        and "booking_slots"."booked" + "booking_slots"."held" <= "booking_slots"."capacity" + "booking_slots"."overflow")
);
--> statement-breakpoint
CREATE TABLE "bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"slot_id" bigint NOT NULL,
	"hall_id" text NOT NULL,
	"service_id" text NOT NULL,
	"day" date NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"made_by" text NOT NULL,
	"hotline_number" text,
	"name" text DEFAULT '' NOT NULL,
	"phone" text NOT NULL,
	"id_hash" text NOT NULL,
	"id_masked" text NOT NULL,
	"status" text DEFAULT 'confirmed' NOT NULL,
	"flag" text,
	"flagged_at" timestamp with time zone,
	"flag_resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone,
	"checked_in_at" timestamp with time zone,
	"no_show_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "capacity_limits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hall_id" text NOT NULL,
	"service_id" text,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"percent" integer NOT NULL,
	"reason" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "capacity_limits_percent_check" CHECK ("capacity_limits"."percent" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
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
CREATE TABLE "ivr_announcements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hotline_number" text,
	"hall_id" text,
	"text" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
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
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_slot_id_booking_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."booking_slots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_slot_id_booking_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."booking_slots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_days" ADD CONSTRAINT "calendar_days_year_calendar_years_year_fk" FOREIGN KEY ("year") REFERENCES "public"."calendar_years"("year") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commissioners" ADD CONSTRAINT "commissioners_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_hall_id_halls_id_fk" FOREIGN KEY ("hall_id") REFERENCES "public"."halls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprise_phones" ADD CONSTRAINT "enterprise_phones_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprises" ADD CONSTRAINT "enterprises_commissioner_id_commissioners_id_fk" FOREIGN KEY ("commissioner_id") REFERENCES "public"."commissioners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotlines" ADD CONSTRAINT "hotlines_hall_id_halls_id_fk" FOREIGN KEY ("hall_id") REFERENCES "public"."halls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotlines" ADD CONSTRAINT "hotlines_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_hall_id_halls_id_fk" FOREIGN KEY ("hall_id") REFERENCES "public"."halls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_calls_call_agent_idx" ON "agent_calls" USING btree ("call_sid","agent_id");--> statement-breakpoint
CREATE INDEX "agent_calls_missing_idx" ON "agent_calls" USING btree ("agent_id") WHERE outcome_status = 'missing';--> statement-breakpoint
CREATE INDEX "agent_state_log_agent_idx" ON "agent_state_log" USING btree ("agent_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject","id");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "call_outcomes_call_agent_idx" ON "call_outcomes" USING btree ("call_sid","agent_id");--> statement-breakpoint
CREATE INDEX "call_outcomes_kind_idx" ON "call_outcomes" USING btree ("kind","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_idx" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "booking_events_booking_idx" ON "booking_events" USING btree ("booking_id","at");--> statement-breakpoint
CREATE INDEX "booking_holds_active_idx" ON "booking_holds" USING btree ("expires_at") WHERE status = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "booking_slots_service_start_idx" ON "booking_slots" USING btree ("service_id","starts_at");--> statement-breakpoint
CREATE INDEX "booking_slots_hall_day_idx" ON "booking_slots" USING btree ("hall_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "bookings_code_idx" ON "bookings" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "bookings_person_service_day_idx" ON "bookings" USING btree ("id_hash","service_id","day") WHERE status in ('confirmed', 'checked_in');--> statement-breakpoint
CREATE INDEX "bookings_slot_idx" ON "bookings" USING btree ("slot_id");--> statement-breakpoint
CREATE INDEX "bookings_phone_idx" ON "bookings" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "bookings_id_hash_noshow_idx" ON "bookings" USING btree ("id_hash","no_show_at") WHERE status = 'no_show';--> statement-breakpoint
CREATE INDEX "bookings_due_noshow_idx" ON "bookings" USING btree ("ends_at") WHERE status = 'confirmed';--> statement-breakpoint
CREATE INDEX "bookings_flag_idx" ON "bookings" USING btree ("flagged_at") WHERE flag is not null and flag_resolved_at is null;--> statement-breakpoint
CREATE INDEX "capacity_limits_hall_idx" ON "capacity_limits" USING btree ("hall_id","ends_on");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
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
CREATE INDEX "services_hall_idx" ON "services" USING btree ("hall_id");--> statement-breakpoint
CREATE INDEX "ivr_announcements_ends_idx" ON "ivr_announcements" USING btree ("ends_at");