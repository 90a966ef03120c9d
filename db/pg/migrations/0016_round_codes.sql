-- A matching round's status and trigger as codes, as on SQLite (migration 0027); the partial indexes spelling them
-- are created again spelling codes. Its triggers read the report only.
ALTER TABLE "matching_rounds" DROP CONSTRAINT "matching_rounds_status";--> statement-breakpoint
ALTER TABLE "matching_rounds" DROP CONSTRAINT "matching_rounds_trigger";--> statement-breakpoint
DROP INDEX "matching_rounds_one_running";--> statement-breakpoint
DROP INDEX "matching_rounds_empty_scheduled";--> statement-breakpoint
ALTER TABLE "matching_rounds" ALTER COLUMN "status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "matching_rounds" ALTER COLUMN "status" SET DATA TYPE smallint USING CASE "status" WHEN 'COMPLETED' THEN 0 WHEN 'RUNNING' THEN 1 WHEN 'FAILED' THEN 2 END;--> statement-breakpoint
ALTER TABLE "matching_rounds" ALTER COLUMN "status" SET DEFAULT 1;--> statement-breakpoint
ALTER TABLE "matching_rounds" ALTER COLUMN "trigger" SET DATA TYPE smallint USING CASE "trigger" WHEN 'MANUAL' THEN 0 WHEN 'SCHEDULED' THEN 1 END;--> statement-breakpoint
CREATE UNIQUE INDEX "matching_rounds_one_running" ON "matching_rounds" USING btree ("complex_id") WHERE status = 1;--> statement-breakpoint
CREATE INDEX "matching_rounds_empty_scheduled" ON "matching_rounds" USING btree ("started_at") WHERE "trigger" = 1 and (report -> 0) = '0'::jsonb;--> statement-breakpoint
ALTER TABLE "matching_rounds" ADD CONSTRAINT "matching_rounds_status" CHECK (status in (0,1,2));--> statement-breakpoint
ALTER TABLE "matching_rounds" ADD CONSTRAINT "matching_rounds_trigger" CHECK ("trigger" in (0,1));