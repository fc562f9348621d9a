CREATE TABLE "report_rollup_agents" (
	"day" date NOT NULL,
	"agent_id" text NOT NULL,
	"handled" integer DEFAULT 0 NOT NULL,
	"talk_seconds" numeric DEFAULT '0' NOT NULL,
	"after_call_seconds" numeric DEFAULT '0' NOT NULL,
	"consultations" integer DEFAULT 0 NOT NULL,
	"completed_by_phone" integer DEFAULT 0 NOT NULL,
	"bookings" integer DEFAULT 0 NOT NULL,
	"other" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_agents_day_agent_id_pk" PRIMARY KEY("day","agent_id")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_bookings" (
	"day" date NOT NULL,
	"service_id" text NOT NULL,
	"channel" text NOT NULL,
	"bookings" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_bookings_day_service_id_channel_pk" PRIMARY KEY("day","service_id","channel")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_calls" (
	"day" date NOT NULL,
	"half_hour" smallint NOT NULL,
	"hotline_number" text NOT NULL,
	"offered" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"answered_in_target" integer DEFAULT 0 NOT NULL,
	"self_served" integer DEFAULT 0 NOT NULL,
	"abandoned_in_ivr" integer DEFAULT 0 NOT NULL,
	"abandoned_in_queue" integer DEFAULT 0 NOT NULL,
	"short_abandons" integer DEFAULT 0 NOT NULL,
	"callbacks_requested" integer DEFAULT 0 NOT NULL,
	"queue_seconds_answered" bigint DEFAULT 0 NOT NULL,
	"talk_seconds" bigint DEFAULT 0 NOT NULL,
	"in_progress" integer DEFAULT 0 NOT NULL,
	"transfers" integer DEFAULT 0 NOT NULL,
	"callbacks_placed" integer DEFAULT 0 NOT NULL,
	"callbacks_given_up" integer DEFAULT 0 NOT NULL,
	"after_call_seconds" numeric DEFAULT '0' NOT NULL,
	"consultations" integer DEFAULT 0 NOT NULL,
	"completed_by_phone" integer DEFAULT 0 NOT NULL,
	"callbacks_completed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_calls_day_half_hour_hotline_number_pk" PRIMARY KEY("day","half_hour","hotline_number")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"day" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_rollup_days" (
	"day" date PRIMARY KEY NOT NULL,
	"target_seconds" integer NOT NULL,
	"short_abandon_seconds" integer NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_rollup_online" (
	"day" date NOT NULL,
	"half_hour" smallint NOT NULL,
	"agent_id" text NOT NULL,
	"seconds" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "report_rollup_online_day_half_hour_agent_id_pk" PRIMARY KEY("day","half_hour","agent_id")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_services" (
	"day" date NOT NULL,
	"service_key" text NOT NULL,
	"consultations" integer DEFAULT 0 NOT NULL,
	"completed_by_phone" integer DEFAULT 0 NOT NULL,
	"by_post" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_services_day_service_key_pk" PRIMARY KEY("day","service_key")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_slots" (
	"day" date NOT NULL,
	"service_id" text NOT NULL,
	"open_slots" integer DEFAULT 0 NOT NULL,
	"capacity" integer DEFAULT 0 NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"no_shows" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_slots_day_service_id_pk" PRIMARY KEY("day","service_id")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_staffing" (
	"day" date NOT NULL,
	"half_hour" smallint NOT NULL,
	"department_id" text NOT NULL,
	"queued" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"talk_seconds" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_staffing_day_half_hour_department_id_pk" PRIMARY KEY("day","half_hour","department_id")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_staffing_wrap_up" (
	"day" date NOT NULL,
	"half_hour" smallint NOT NULL,
	"department_id" text NOT NULL,
	"answer_day" date NOT NULL,
	"call_sid" text NOT NULL,
	"seconds" numeric DEFAULT '0' NOT NULL,
	CONSTRAINT "report_rollup_staffing_wrap_up_day_half_hour_department_id_answer_day_call_sid_pk" PRIMARY KEY("day","half_hour","department_id","answer_day","call_sid")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_transfers" (
	"day" date NOT NULL,
	"event_day" date NOT NULL,
	"agent_id" text NOT NULL,
	"transfers" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_transfers_day_event_day_agent_id_pk" PRIMARY KEY("day","event_day","agent_id")
);
--> statement-breakpoint
CREATE INDEX "report_rollup_changes_day_idx" ON "report_rollup_changes" USING btree ("day");--> statement-breakpoint
CREATE INDEX "agent_calls_answered_idx" ON "agent_calls" USING btree ("answered_at");
--> statement-breakpoint
-- A change to a row that a finished day's rollups were built from is recorded for that day (when
-- the day has rollups); the day is rebuilt before it is next read. Days from today on are rebuilt
-- whenever read, so their changes are not recorded.
CREATE FUNCTION report_rollup_mark(first_day date, last_day date) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_rollup_changes (day)
  SELECT d.day FROM report_rollup_days d
  WHERE d.day BETWEEN first_day AND last_day AND d.day < (now() AT TIME ZONE 'Asia/Shanghai')::date
$$;
--> statement-breakpoint
CREATE FUNCTION report_rollup_day_of(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE AS $$
  SELECT (at AT TIME ZONE 'Asia/Shanghai')::date
$$;
--> statement-breakpoint
-- Today's midnight in Beijing time: rows older than it may belong to a finished day.
CREATE FUNCTION report_rollup_today_start() RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
$$;
--> statement-breakpoint
-- Calls: their figures belong to the day they arrived.
CREATE FUNCTION report_rollup_calls_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM report_rollup_mark(report_rollup_day_of(NEW.arrived_at), report_rollup_day_of(NEW.arrived_at)); END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM report_rollup_mark(report_rollup_day_of(OLD.arrived_at), report_rollup_day_of(OLD.arrived_at)); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_rollup_calls_inserted AFTER INSERT ON calls FOR EACH ROW
  WHEN (NEW.arrived_at < report_rollup_today_start()) EXECUTE FUNCTION report_rollup_calls_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_calls_updated AFTER UPDATE ON calls FOR EACH ROW
  WHEN (OLD.arrived_at < report_rollup_today_start() OR NEW.arrived_at < report_rollup_today_start()) EXECUTE FUNCTION report_rollup_calls_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_calls_deleted AFTER DELETE ON calls FOR EACH ROW EXECUTE FUNCTION report_rollup_calls_changed();
--> statement-breakpoint
-- Agent legs, outcomes and transfers: the day the leg was answered and the day the call arrived.
CREATE FUNCTION report_rollup_mark_leg(call text, agent text, also_at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF also_at IS NOT NULL THEN PERFORM report_rollup_mark(report_rollup_day_of(also_at), report_rollup_day_of(also_at)); END IF;
  PERFORM report_rollup_mark(report_rollup_day_of(c.arrived_at), report_rollup_day_of(c.arrived_at)) FROM calls c WHERE c.call_sid = call;
  PERFORM report_rollup_mark(report_rollup_day_of(ac.answered_at), report_rollup_day_of(ac.answered_at))
    FROM agent_calls ac WHERE ac.call_sid = call AND (agent IS NULL OR ac.agent_id = agent);
END $$;
--> statement-breakpoint
CREATE FUNCTION report_rollup_legs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM report_rollup_mark_leg(NEW.call_sid, NEW.agent_id, NEW.answered_at); END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM report_rollup_mark_leg(OLD.call_sid, OLD.agent_id, OLD.answered_at); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A leg answered after 04:00 today belongs to a call of today (Twilio ends a call after four hours).
CREATE TRIGGER report_rollup_legs_written AFTER INSERT OR UPDATE ON agent_calls FOR EACH ROW
  WHEN (NEW.answered_at < report_rollup_today_start() + interval '4 hours') EXECUTE FUNCTION report_rollup_legs_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_legs_deleted AFTER DELETE ON agent_calls FOR EACH ROW EXECUTE FUNCTION report_rollup_legs_changed();
--> statement-breakpoint
CREATE FUNCTION report_rollup_outcomes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM report_rollup_mark_leg(NEW.call_sid, NEW.agent_id, NULL); END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM report_rollup_mark_leg(OLD.call_sid, OLD.agent_id, NULL); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_rollup_outcomes_changed AFTER INSERT OR UPDATE OR DELETE ON call_outcomes FOR EACH ROW EXECUTE FUNCTION report_rollup_outcomes_changed();
--> statement-breakpoint
CREATE FUNCTION report_rollup_transfers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM report_rollup_mark_leg(NEW.call_sid, NULL, NULL); END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM report_rollup_mark_leg(OLD.call_sid, NULL, NULL); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_rollup_transfers_inserted AFTER INSERT ON call_events FOR EACH ROW
  WHEN (NEW.event = 'transferred') EXECUTE FUNCTION report_rollup_transfers_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_transfers_updated AFTER UPDATE OR DELETE ON call_events FOR EACH ROW
  WHEN (OLD.event = 'transferred') EXECUTE FUNCTION report_rollup_transfers_changed();
--> statement-breakpoint
-- Callback requests: the day asked for (completed callbacks) and the day the call arrived (placed, not reached).
CREATE FUNCTION report_rollup_callbacks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM report_rollup_mark_leg(NEW.call_sid, '', NEW.requested_at); END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM report_rollup_mark_leg(OLD.call_sid, '', OLD.requested_at); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_rollup_callbacks_changed AFTER INSERT OR UPDATE OR DELETE ON callback_requests FOR EACH ROW EXECUTE FUNCTION report_rollup_callbacks_changed();
--> statement-breakpoint
-- Agent states: a state's span runs to the agent's next entry, so a back-dated entry changes every day from its own on.
CREATE FUNCTION report_rollup_states_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM report_rollup_mark(report_rollup_day_of(NEW.at), 'infinity'); END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM report_rollup_mark(report_rollup_day_of(OLD.at), 'infinity'); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_rollup_states_written AFTER INSERT OR UPDATE ON agent_state_log FOR EACH ROW
  WHEN (NEW.at < report_rollup_today_start()) EXECUTE FUNCTION report_rollup_states_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_states_deleted AFTER DELETE ON agent_state_log FOR EACH ROW EXECUTE FUNCTION report_rollup_states_changed();
--> statement-breakpoint
-- Bookings and slots: the day booked for (most are written for days to come, which record nothing).
CREATE FUNCTION report_rollup_booked_day_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN PERFORM report_rollup_mark(NEW.day, NEW.day); END IF;
  IF TG_OP = 'DELETE' OR OLD.day <> NEW.day THEN PERFORM report_rollup_mark(OLD.day, OLD.day); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_rollup_bookings_written AFTER INSERT OR UPDATE ON bookings FOR EACH ROW
  WHEN (NEW.day < (now() AT TIME ZONE 'Asia/Shanghai')::date) EXECUTE FUNCTION report_rollup_booked_day_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_bookings_moved AFTER UPDATE ON bookings FOR EACH ROW
  WHEN (OLD.day < (now() AT TIME ZONE 'Asia/Shanghai')::date AND NEW.day >= (now() AT TIME ZONE 'Asia/Shanghai')::date) EXECUTE FUNCTION report_rollup_booked_day_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_bookings_deleted AFTER DELETE ON bookings FOR EACH ROW
  WHEN (OLD.day < (now() AT TIME ZONE 'Asia/Shanghai')::date) EXECUTE FUNCTION report_rollup_booked_day_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_slots_written AFTER INSERT OR UPDATE ON booking_slots FOR EACH ROW
  WHEN (NEW.day < (now() AT TIME ZONE 'Asia/Shanghai')::date) EXECUTE FUNCTION report_rollup_booked_day_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_slots_moved AFTER UPDATE ON booking_slots FOR EACH ROW
  WHEN (OLD.day < (now() AT TIME ZONE 'Asia/Shanghai')::date AND NEW.day >= (now() AT TIME ZONE 'Asia/Shanghai')::date) EXECUTE FUNCTION report_rollup_booked_day_changed();
--> statement-breakpoint
CREATE TRIGGER report_rollup_slots_deleted AFTER DELETE ON booking_slots FOR EACH ROW
  WHEN (OLD.day < (now() AT TIME ZONE 'Asia/Shanghai')::date) EXECUTE FUNCTION report_rollup_booked_day_changed();
