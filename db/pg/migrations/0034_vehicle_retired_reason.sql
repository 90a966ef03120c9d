ALTER TABLE "vehicles" ADD COLUMN "retired_reason" text;--> statement-breakpoint
ALTER TABLE "vehicles" ADD COLUMN "retired_by_operator" boolean DEFAULT false NOT NULL;