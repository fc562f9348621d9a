ALTER TABLE "staff_users" ADD COLUMN "sip_address" text;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "desk_number" text;