ALTER TABLE "shipment_requests" ADD COLUMN "unmatched_reason" text;--> statement-breakpoint
ALTER TABLE "shipment_requests" ADD COLUMN "unmatched_at" bigint;