ALTER TABLE "pod_images" DROP CONSTRAINT "pod_images_file_name_unique";--> statement-breakpoint
DROP INDEX "requests_origin_r6";--> statement-breakpoint
DROP INDEX "requests_origin_r8";--> statement-breakpoint
DROP INDEX "offers_vehicle";--> statement-breakpoint
DROP INDEX "offers_listing";--> statement-breakpoint
DROP INDEX "pod_images_booking";--> statement-breakpoint
DROP INDEX "matching_rounds_empty_scheduled";--> statement-breakpoint
ALTER TABLE "pod_images" ALTER COLUMN "file_name" DROP NOT NULL;--> statement-breakpoint
-- Roll-ups are a cache (the scheduler writes them again): emptied, as SQLite's migration does, and their booking
-- times stored as sorted float64 bytes.
DELETE FROM "insights_days";--> statement-breakpoint
ALTER TABLE "insights_days" ALTER COLUMN "booking_ms" SET DATA TYPE bytea USING ''::bytea;--> statement-breakpoint
-- Round reports become arrays of their values by position (db/schema ROUND_REPORT_FIELDS).
UPDATE "matching_rounds" SET "report" = jsonb_build_array(report -> 'requestsConsidered', report -> 'servedCount', report -> 'routes', report -> 'extensions', report -> 'pooledRoutes', report -> 'pooledRequests', report -> 'requestsPerTrip', report -> 'stopsPerRoute', report -> 'loadFactorKgPeakPct', report -> 'loadFactorPalletsPeakPct', report -> 'loadFactorKgKmPct', report -> 'loadFactorPalletsKmPct', report -> 'assignmentCostKrw', report -> 'offersWritten', report -> 'totalCostKrw', report -> 'baselineCostKrw', report -> 'savingsPct', report -> 'deadheadKm', report -> 'loadedKm', report -> 'emptyKmShare', report -> 'co2Kg', report -> 'baselineCo2Kg', report -> 'candidatePairsEvaluated', report -> 'feasiblePairs', report -> 'timeMs', report -> 'centreRequests') WHERE jsonb_typeof(report) = 'object';--> statement-breakpoint
-- The trigger that forgets a removed round's day reads its assignment cost by position now.
DROP TRIGGER insights_days_round_removed ON matching_rounds;--> statement-breakpoint
CREATE TRIGGER insights_days_round_removed AFTER DELETE ON matching_rounds
FOR EACH ROW WHEN ((OLD.report ->> 12)::numeric > 0) EXECUTE FUNCTION insights_days_round_changed();--> statement-breakpoint
CREATE UNIQUE INDEX "pod_images_file_name_unique" ON "pod_images" USING btree ("file_name") WHERE file_name is not null;--> statement-breakpoint
CREATE INDEX "matching_rounds_empty_scheduled" ON "matching_rounds" USING btree ("started_at") WHERE "trigger" = 'SCHEDULED' and (report -> 0) = '0'::jsonb;--> statement-breakpoint
ALTER TABLE "shipment_requests" DROP COLUMN "origin_h3_r6";--> statement-breakpoint
ALTER TABLE "shipment_requests" DROP COLUMN "origin_h3_r8";